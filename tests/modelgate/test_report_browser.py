"""The report as a stakeholder sees it: rendered in headless Chromium, every scenario of
``features/`` on the page, and a full-page screenshot saved as ``reports/report.png``.

With ``MODELGATE_REPORT_HTML`` set (the tox ``report`` environment) the chain's real report is
checked; otherwise a report is built here from the bundled model with no test results, which
also shows a page with missing inputs still lists every scenario. Every plot must be drawn at one
size in the browser, whichever section it is in. The classification example's report is rendered
too: no console message, its confusion matrices and reliability diagrams laid out. Without Chromium
the test skips with the reason, unless ``MODELGATE_REQUIRE_CHROMIUM=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from modelgate.steps.support import ROOT, TRAINING_DATA

from modelgate.report import build
from modelgate.report.inputs import Sources
from modelgate.report.scenarios import parse_features

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
]
SCREENSHOT = ROOT / "reports" / "report.png"
WIDTH = 1280
# A static page has no JavaScript of its own; this copy measures its height, so the screenshot shows all of it, and
# the size every plot is drawn at.
MEASURE = (
    "<script>document.body.dataset.pageHeight = document.documentElement.scrollHeight;"
    "document.body.dataset.plots = JSON.stringify([...document.querySelectorAll('svg.plot:not(.gauge)')]"
    ".map(s => [s.getAttribute('aria-label'), Math.round(s.getBoundingClientRect().width)]));</script></body>"
)


def find_browser() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    reason = "headless Chromium not found (apt-get install chromium chromium-driver)"
    if os.environ.get("MODELGATE_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{reason}; MODELGATE_REQUIRE_CHROMIUM=1 requires it")
    pytest.skip(f"{reason}; set MODELGATE_REQUIRE_CHROMIUM=1 to make this a failure")


def browse(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the browser; with ``--enable-logging=stderr`` among ``args`` its stderr holds every console message."""
    done = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"{browser} exited {done.returncode}: {done.stderr[-2000:]}"
    return done


class _Text(HTMLParser):
    """The visible text nodes of a DOM dump (scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory, request) -> Path:
    real = os.environ.get("MODELGATE_REPORT_HTML")
    if real:
        assert Path(real).is_file(), f"MODELGATE_REPORT_HTML={real}: no such report (run: modelgate report)"
        return Path(real)
    out = tmp_path_factory.mktemp("report") / "report.html"
    empty = tmp_path_factory.mktemp("no-results")
    model = request.getfixturevalue("trained_model")
    build(Sources(ROOT / "features", [], empty, empty / "gate.xml", model, TRAINING_DATA), out)
    return out


@pytest.fixture(scope="module")
def dom(page, tmp_path_factory) -> str:
    """The page as headless Chromium laid it out, with the measurements of ``MEASURE``."""
    browser = find_browser()
    folder = tmp_path_factory.mktemp("browser")
    measured = folder / "measured.html"
    measured.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE, 1), encoding="utf-8")
    return browse(browser, folder / "profile", f"--window-size={WIDTH},900", "--dump-dom", measured.as_uri()).stdout


def test_every_scenario_is_on_the_rendered_page_and_a_screenshot_is_saved(page, dom, tmp_path):
    browser = find_browser()
    text = _Text()
    text.feed(dom)
    rendered = "\n".join(text.texts)
    features, problems = parse_features(ROOT / "features")
    assert not problems
    names = [s.name for f in features for s in f.scenarios]
    assert names, "no scenarios found under features/"
    missing = [name for name in names if name not in rendered]
    assert not missing, f"scenarios missing from the rendered report: {missing}"
    height = int(re.search(r'data-page-height="(\d+)"', dom)[1])
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    browse(
        browser, tmp_path / "profile", f"--window-size={WIDTH},{height}", f"--screenshot={SCREENSHOT}", page.resolve().as_uri()
    )
    assert SCREENSHOT.stat().st_size > 10_000, "the screenshot is (nearly) empty"


def test_every_plot_is_drawn_at_one_size(dom):
    """One viewBox and one grid cell per plot: a drift plot drawn several times larger than the fit plots (with
    30-pixel axis labels) is what an earlier page did."""
    plots = json.loads(unescape(re.search(r'data-plots="([^"]*)"', dom)[1]))
    assert len(plots) >= 4, plots  # the fit, predicted against actual, the residuals and at least one drift plot
    widths = {width for _, width in plots}
    assert len(widths) == 1 and 250 <= widths.pop() <= 450, f"plots drawn at different sizes: {plots}"


def test_the_page_needs_no_network(page):
    html = page.read_text(encoding="utf-8")
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", html)
    assert not external, f"the report loads {len(external)} external resource(s): {external[:3]}"


PENGUINS = ROOT / "examples" / "penguins"
CONSOLE = re.compile(r"CONSOLE[^\]]*\] (.*)")
# The DOM's own account of the classifier's figures, measured in the browser.
CLASSIFIER = (
    "<script>document.body.dataset.confusion = JSON.stringify([...document.querySelectorAll('table.confusion')].map(t =>"
    " [...t.querySelectorAll('tbody tr')].map(r => [...r.children].map(c => c.textContent.trim()))));"
    "document.body.dataset.reliability = JSON.stringify([...document.querySelectorAll('svg.plot')]"
    ".filter(s => s.getAttribute('aria-label').startsWith('reliability diagram'))"
    ".map(s => [s.querySelectorAll('circle.bin').length, Math.round(s.getBoundingClientRect().width)]));</script>"
)


@pytest.fixture(scope="module")
def penguins_dom(tmp_path_factory, penguins_model) -> tuple[str, str]:
    """The classification example's report (its features, its model, no test results) as Chromium laid it out, and
    Chromium's console output."""
    browser = find_browser()
    folder = tmp_path_factory.mktemp("penguins-report")
    out = folder / "report.html"
    build(Sources(PENGUINS / "features", [], folder, folder / "gate.xml", penguins_model), out)
    measured = folder / "measured.html"
    measured.write_text(out.read_text(encoding="utf-8").replace("</body>", CLASSIFIER + MEASURE, 1), encoding="utf-8")
    done = browse(
        browser, folder / "profile", "--enable-logging=stderr", f"--window-size={WIDTH},900", "--dump-dom", measured.as_uri()
    )
    return done.stdout, done.stderr


def test_a_classifiers_report_renders_its_confusion_matrices_and_reliability_diagrams(penguins_dom, penguins_model):
    from modelgate.model import artifact

    dom, console = penguins_dom
    messages = CONSOLE.findall(console)
    assert not messages, f"the page logged to the console: {messages}"
    classes = list(artifact.load(penguins_model).contract.output.classes)
    tables = json.loads(unescape(re.search(r'data-confusion="([^"]*)"', dom)[1]))
    assert len(tables) == 2, tables  # rows not trained on, and the evaluation rows
    for table in tables:
        assert [row[0] for row in table] == [*classes, "precision"], table
    diagrams = json.loads(unescape(re.search(r'data-reliability="([^"]*)"', dom)[1]))
    assert len(diagrams) == 2 and all(dots >= 1 for dots, _ in diagrams), diagrams
    plots = json.loads(unescape(re.search(r'data-plots="([^"]*)"', dom)[1]))
    widths = {width for _, width in plots}
    assert len(widths) == 1 and 250 <= widths.pop() <= 450, f"plots drawn at different sizes: {plots}"
