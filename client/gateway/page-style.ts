/** The pages' one stylesheet, served from the gateway itself (/assets/pages.css) so the CSP allows no inline style. */
export const PAGES_CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0a58ca;--ok:#1a7f37;--bad:#b42318;--warn:#9a6700;--bg-soft:#f6f8fa}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0;line-height:1.45}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--bg-soft)}
header.top a{color:var(--fg);text-decoration:none;font-weight:600}
header.top nav{display:flex;gap:1rem;flex-wrap:wrap}
header.top .who{margin-left:auto;color:var(--muted);display:flex;gap:.5rem;align-items:center}
main{max-width:62rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.4rem 0}
h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
a{color:var(--accent)}
a:focus,button:focus,input:focus,textarea:focus,select:focus{outline:3px solid #80b3ff;outline-offset:1px}
.muted{color:var(--muted)}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:1rem;border:1px solid var(--line);font-size:.85rem;white-space:nowrap}
.badge.overdue,.badge.blocked,.badge.rejected{border-color:var(--bad);color:var(--bad)}
.badge.approved{border-color:var(--ok);color:var(--ok)}
.badge.awaiting-approval{border-color:var(--warn);color:var(--warn)}
.notice{padding:.6rem .8rem;border-radius:.3rem;margin:.8rem 0;border:1px solid var(--line)}
.notice.ok{border-color:var(--ok);background:#dafbe1}
.notice.error{border-color:var(--bad);background:#ffebe9}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.table{overflow-x:auto;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.93rem}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--bg-soft)}
.artifact{border:1px solid var(--line);border-radius:.3rem;padding:.2rem .9rem;margin:.8rem 0}
.artifact header{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:baseline;border-bottom:1px solid var(--line);padding:.4rem 0}
.artifact .doc{max-height:36rem;overflow:auto}
code{overflow-wrap:anywhere}
dd,td,li,p,h1,h3{overflow-wrap:anywhere;min-width:0}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88rem}
pre{background:var(--bg-soft);padding:.6rem;overflow-x:auto}
form.decide{border:2px solid var(--accent);border-radius:.4rem;padding:.8rem;margin:1rem 0}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
textarea,input[type=text],select{width:100%;padding:.45rem;font:inherit;border:1px solid var(--line);border-radius:.25rem}
textarea{min-height:5rem}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.6rem}
button{font:inherit;padding:.5rem 1rem;border-radius:.3rem;border:1px solid var(--line);background:#fff;cursor:pointer;min-height:2.6rem}
button.primary{background:var(--ok);border-color:var(--ok);color:#fff}
button.danger{background:#fff;border-color:var(--bad);color:var(--bad)}
form.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}
.filters label{margin:0}
.filters select,.filters input{min-width:10rem}
@media (max-width:40rem){dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:.4rem}main{padding:.6rem}}
`;
