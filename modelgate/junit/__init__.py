"""JUnit XML, read and written: how every producer's file is read as that producer means it (``read``, with the
suites' own counts checked in ``counts``), and the one writer every modelgate suite's file goes through (``write``)."""

from modelgate.junit.read import Case, ModelClaim, Suite, find_files, read_suite

__all__ = ["Case", "ModelClaim", "Suite", "find_files", "read_suite"]
