/**
 * The live view's one HTML page (inline CSS and script, no external resources): it polls the
 * /status and /events of each of its sources and draws them. A daemon serves it with itself as the
 * only source; `pnpm demo --web` serves it with every node of the demo network.
 */
import { LIVE_SCRIPT } from './page-script.js';

export interface LiveSource {
  /** URL prefix of a node's status port as seen from the page: '' for the server itself, '/node/3' behind a proxy. */
  base: string;
  /** Label drawn on the node (default: its P2P address). */
  name?: string;
}

export interface LivePageOptions {
  title: string;
  sources: LiveSource[];
  /** How long the page shows one hop of an item's spread (default 450 ms). */
  hopMs?: number;
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Served with this policy: the page loads nothing from elsewhere and talks only to its own origin. */
export const LIVE_PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:";

const STYLE = `
:root { color-scheme: dark; --bg: #0f1419; --panel: #171d24; --line: #2c3640; --text: #d5dde5; --dim: #7d8a96;
  --node: #33414e; --reached: #2bb3a3; --origin: #f29f45; --hop: #ffd866; --down: #8a3b3b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, sans-serif; display: grid;
  grid-template-columns: 1fr 300px; grid-template-rows: auto 1fr; height: 100vh; }
header { grid-column: 1 / 3; display: flex; gap: 24px; align-items: baseline; padding: 10px 16px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
#totals span { margin-right: 14px; color: var(--dim); } #totals b { color: var(--text); font-weight: 600; }
#overlay { width: 100%; height: 100%; }
aside { background: var(--panel); border-left: 1px solid var(--line); padding: 10px 12px; overflow: auto; }
aside h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--dim); margin: 4px 0 8px; }
#items { list-style: none; margin: 0; padding: 0; }
.item { padding: 6px 8px; border-radius: 6px; cursor: pointer; margin-bottom: 4px; border: 1px solid transparent; }
.item:hover { border-color: var(--line); } .item.current { border-color: var(--reached); }
.item code { color: var(--hop); } .item small { color: var(--dim); display: block; }
.link { stroke: var(--line); stroke-width: 2; }
.link.hop { stroke: var(--hop); stroke-width: 3; }
.node circle { fill: var(--node); stroke: #000; stroke-width: 1.5; transition: fill .12s; }
.node.reached circle { fill: var(--reached); }
.node.origin circle { fill: var(--origin); }
.node.remote circle { fill: var(--bg); stroke: var(--dim); stroke-dasharray: 4 3; }
.node.remote.reached circle { fill: var(--reached); }
.node.remote.origin circle { fill: var(--origin); }
.node.down circle { fill: var(--down); }
.node text { fill: var(--text); text-anchor: middle; pointer-events: none; }
.node .hopno { font-weight: 700; fill: #0b0f13; }
.node .counters { fill: var(--dim); font-size: 11px; }
.dot { fill: var(--hop); }
#legend { color: var(--dim); font-size: 12px; margin-top: 14px; }
#legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 10px; vertical-align: -1px; }
#error { color: #ff7b72; }
`;

/** The whole page, ready to serve as text/html. */
export function livePage(options: LivePageOptions): string {
  const config = { sources: options.sources, hopMs: options.hopMs ?? 450 };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(options.title)}</h1>
  <div id="totals"><span>nodes <b id="n-nodes">0</b></span><span>links <b id="n-links">0</b></span><span>items <b id="n-items">0</b></span><span>events <b id="n-events">0</b></span></div>
  <div id="error" role="status"></div>
</header>
<svg id="overlay" viewBox="0 0 800 600" role="img" aria-label="the overlay: nodes and links">
  <g id="links"></g><g id="dots"></g><g id="nodes"></g>
</svg>
<aside>
  <h2>Items, newest first</h2>
  <ol id="items"></ol>
  <div id="legend"><i style="background:var(--origin)"></i>origin<i style="background:var(--reached)"></i>reached (number: hop)<i style="background:var(--hop)"></i>in flight</div>
</aside>
<script id="live-config" type="application/json">${scriptJson(config)}</script>
<script>${LIVE_SCRIPT}</script>
</body>
</html>
`;
}
