"""The report's stylesheet, inlined into the page so it renders the same offline and when mailed."""

CSS = """
:root { --ink:#1f2a44; --muted:#6b7385; --line:#e3e7ee; --bg:#f4f6fa; --card:#fff;
  --pass:#159a6b; --pass-bg:#e3f5ee; --fail:#c23b3b; --fail-bg:#fbe6e6; --skip:#b7791f; --skip-bg:#fdf1dc;
  --none:#7b8394; --none-bg:#eceef3; --accent:#3b6fd8; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
main { max-width:1180px; margin:0 auto; padding:0 24px 32px; }
header.top { background:linear-gradient(120deg,#1f2a44,#2d3f6b); color:#fff; }
header.top .in { max-width:1180px; margin:0 auto; padding:26px 24px 56px; display:flex; justify-content:space-between;
  align-items:flex-start; gap:24px; }
header.top h1 { margin:0 0 6px; font-size:26px; font-weight:650; letter-spacing:-.01em; }
header.top p { margin:0; color:#c9d3ea; }
.verdict { border-radius:12px; padding:12px 18px; min-width:230px; text-align:right; background:rgba(255,255,255,.1); }
.verdict b { display:block; font-size:20px; }
.verdict small { color:#dfe6f5; display:block; max-width:360px; }
.verdict.passed b { color:#7ee2b8; } .verdict.failed b { color:#ffb3b3; } .verdict.none b { color:#d7dbe4; }
.tiles { display:grid; grid-template-columns:repeat(auto-fit,minmax(200px,1fr)); gap:16px; margin-top:-36px; }
.tile { background:var(--card); border-radius:12px; padding:16px 18px; box-shadow:0 1px 3px rgba(20,30,60,.08),
  0 6px 18px rgba(20,30,60,.06); border-top:4px solid var(--none); }
.tile.passed { border-top-color:var(--pass); } .tile.failed { border-top-color:var(--fail); }
.tile .big { font-size:28px; font-weight:700; line-height:1.1; }
.tile .what { font-weight:600; margin-top:2px; } .tile .sub { color:var(--muted); font-size:12.5px; }
section { background:var(--card); border-radius:12px; padding:20px 24px; margin-top:20px;
  box-shadow:0 1px 3px rgba(20,30,60,.08); }
section > h2 { margin:0 0 4px; font-size:19px; } section > p.lead { margin:0 0 14px; color:var(--muted); }
section > h3 { margin:22px 0 4px; font-size:16px; }
.alert { background:var(--skip-bg); border:1px solid #f0d49b; border-radius:10px; padding:12px 16px; margin-top:20px; }
.alert b { color:#8a5a12; } .alert ul { margin:6px 0 0; padding-left:20px; }
.feature { border:1px solid var(--line); border-radius:10px; margin-top:14px; overflow:hidden; }
.feature > .head { display:flex; align-items:center; gap:10px; padding:10px 14px; background:#f8f9fc;
  border-bottom:1px solid var(--line); }
.feature > .head h3 { margin:0; font-size:16px; flex:1; }
.feature > .desc { margin:0; padding:8px 14px 0; color:var(--muted); }
.tag { font-size:11.5px; color:var(--accent); background:#e8effc; border-radius:99px; padding:1px 8px; }
.count { color:var(--muted); font-size:12.5px; }
.background { padding:6px 14px 0; color:var(--muted); font-size:13px; }
.scenario { padding:10px 14px; border-top:1px solid #f0f2f6; display:grid; grid-template-columns:26px 1fr; gap:0 8px; }
.scenario:first-of-type { border-top:0; }
.scenario .name { font-weight:600; } .scenario .kind { color:var(--muted); font-weight:400; font-size:12.5px; }
.steps { margin:3px 0 0; padding:0; list-style:none; color:#3a4358; font-size:13px; }
.steps li { margin:1px 0; } .steps .kw { font-weight:650; color:var(--accent); margin-right:4px; }
.steps li.failed { color:var(--fail); } .ph { background:#eef2fb; border-radius:4px; padding:0 3px; color:#3152a3;
  font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; }
.icon { width:22px; height:22px; border-radius:50%; display:inline-flex; align-items:center; justify-content:center;
  font-size:13px; font-weight:700; color:#fff; background:var(--none); margin-top:1px; }
.icon.passed { background:var(--pass); } .icon.failed { background:var(--fail); } .icon.skipped { background:var(--skip); }
.badge { display:inline-block; border-radius:99px; padding:1px 9px; font-size:12px; font-weight:600;
  background:var(--none-bg); color:var(--none); white-space:nowrap; }
.badge.passed { background:var(--pass-bg); color:var(--pass); } .badge.failed { background:var(--fail-bg); color:var(--fail); }
.badge.skipped { background:var(--skip-bg); color:var(--skip); }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); }
th { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; }
.outline { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1.1fr); gap:18px; align-items:start; }
.outline.wide { grid-template-columns:1fr; gap:4px; } .outline.wide table.examples { width:auto; }
table.examples { margin-top:4px; font-size:12px; }
table.examples td, table.examples th { padding:2px 8px; } table.examples th { font-size:11px; }
table.examples i { color:var(--muted); font-style:normal; }
table.examples td { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre.error { background:var(--fail-bg); color:#7d1f1f; border-radius:8px; padding:8px 10px; margin:8px 0 0;
  white-space:pre-wrap; font-size:12px; max-height:160px; overflow:auto; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:24px; align-items:start; }
/* Every plot has one viewBox (plots.WIDTH x plots.HEIGHT) and fills one grid cell: one scale, one font size. */
.plots { display:grid; grid-template-columns:repeat(3,minmax(0,1fr)); gap:18px; margin-top:12px; }
svg.plot { width:100%; height:auto; display:block; }
.gauge { max-width:380px; margin:0 0 18px; }
figure { margin:0; }
figcaption { font-weight:600; margin-bottom:4px; } figcaption span { display:block; font-weight:400; color:var(--muted);
  font-size:12.5px; }
dl.record { display:grid; grid-template-columns:190px 1fr; gap:6px 16px; margin:0; }
dl.record dt { color:var(--muted); } dl.record dd { margin:0; overflow-wrap:anywhere; }
.mono { font-family:ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12.5px; }
.note { color:var(--muted); font-size:12.5px; }
.unseen { display:inline-block; margin-left:6px; border-radius:99px; padding:0 7px; font-size:11px; font-weight:600;
  background:var(--skip-bg); color:var(--skip); white-space:nowrap; }
td.cat, th.cat { text-align:left; } table.drift { margin-top:8px; }
/* A model of many inputs has a wide agreed-answers table: it scrolls inside its section, not past the page. */
.scroll { overflow-x:auto; } table.golden { font-size:13px; }
table.golden th { font-size:11.5px; text-transform:none; letter-spacing:0; } table.golden td, table.golden th { padding:5px 7px; }
table.coefficients { width:auto; font-size:12.5px; } table.coefficients td, table.coefficients th { padding:2px 10px; }
/* A classifier's quality: the agreed bands, its metrics, its errors by class (true class by row, answered by column). */
table.golden td.agreed { white-space:nowrap; }
/* Where each agreed number comes from: the sentence, its source (the widest), its owner. */
table.sources { font-size:13px; } table.sources td { vertical-align:top; padding:5px 8px; }
table.sources td:nth-child(2) { width:55%; }
table.agreed, table.metrics { font-size:13px; margin-bottom:6px; } table.metrics td, table.metrics th { padding:4px 10px; }
table.confusion { width:auto; font-size:13px; margin-top:4px; } table.confusion td, table.confusion th { padding:4px 10px; }
table.confusion th.cat { text-transform:none; letter-spacing:0; font-size:12.5px; color:var(--ink); }
table.confusion td.hit { background:var(--pass-bg); font-weight:650; } table.confusion td.miss { background:var(--fail-bg);
  color:var(--fail); font-weight:650; }
table.confusion tr.precision th, table.confusion tr.precision td { color:var(--muted); border-bottom:0; }
footer { color:var(--muted); font-size:12px; margin-top:20px; text-align:center; }
@media print { body { background:#fff; } section, .tile { box-shadow:none; border:1px solid var(--line); } }
"""
