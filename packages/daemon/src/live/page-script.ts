/**
 * The live view's browser script (plain ES2017, no library), kept as a string the page inlines.
 * It polls each source's /status (the graph and counters) and /events (items and links), then
 * replays each item's spread hop by hop: hop(origin) = 0, hop(node) = hop(neighbour it came from) + 1.
 * Written without template literals so it can sit inside this one.
 */
export const LIVE_SCRIPT = String.raw`
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('live-config').textContent);
  var HOP_MS = cfg.hopMs, EVENTS_MS = 300, STATUS_MS = 1000, MAX_ITEMS = 40, W = 800, H = 600;
  var NS = 'http://www.w3.org/2000/svg';
  var $ = function (id) { return document.getElementById(id); };
  var sources = cfg.sources.map(function (s) { return { base: s.base, name: s.name, after: 0, status: null, addr: null, ok: true }; });
  var nodes = new Map();  // address -> { addr, source, el, x, y }
  var links = new Map();  // 'a|b' -> { a, b, el }
  var items = new Map();  // id -> { id, dataType, origin, receipts: Map(address -> { from, at }), shownAt, el }
  var eventCount = 0, current = null, statusSoon = false;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function getJSON(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function linkKey(a, b) { return a < b ? a + '|' + b : b + '|' + a; }
  function loop(fn, ms) {
    (function tick() { Promise.resolve().then(fn).catch(showError).then(function () { window.setTimeout(tick, ms); }); })();
  }
  function showError(err) { $('error').textContent = err ? String(err.message || err) : ''; }

  // The graph: every source's node, their neighbours, and a link per neighbour pair.
  function pollStatus() {
    statusSoon = false;
    return Promise.all(sources.map(function (s) {
      return getJSON(s.base + '/status').then(function (st) { s.status = st; s.addr = st.address; s.ok = true; },
        function () { s.ok = false; });
    })).then(function () {
      var down = sources.filter(function (s) { return !s.ok; }).length;
      showError(down ? down + ' of ' + sources.length + ' nodes not answering' : '');
      drawGraph();
    });
  }

  function drawGraph() {
    var want = new Map(), edges = new Map();
    sources.forEach(function (s) { if (s.addr) want.set(s.addr, s); });
    sources.forEach(function (s) {
      if (!s.status || !s.ok) return;
      s.status.neighbours.forEach(function (n) {
        if (!want.has(n.address)) want.set(n.address, null);
        edges.set(linkKey(s.addr, n.address), [s.addr, n.address]);
      });
    });
    nodes.forEach(function (n, addr) { if (!want.has(addr)) { n.el.remove(); nodes.delete(addr); } });
    links.forEach(function (l, k) { if (!edges.has(k)) { l.el.remove(); links.delete(k); } });
    var order = Array.from(want.keys());
    var single = sources.length === 1;
    order.forEach(function (addr, i) {
      var n = nodes.get(addr);
      if (!n) {
        var g = el('g', { 'class': 'node', 'data-addr': addr }, $('nodes'));
        el('circle', { r: 22 }, g);
        var hop = el('text', { 'class': 'hopno', dy: '5' }, g);
        var name = el('text', { 'class': 'name', dy: '40' }, g);
        var counters = el('text', { 'class': 'counters', dy: '55' }, g);
        el('title', {}, g).textContent = addr;
        n = { addr: addr, el: g, hop: hop, name: name, counters: counters };
        nodes.set(addr, n);
      }
      n.source = want.get(addr);
      // One node and its neighbours: it in the middle. A network: all on a circle.
      var ring = single ? i - 1 : i, count = single ? order.length - 1 : order.length;
      var r = Math.min(W, H) / 2 - 80, a = -Math.PI / 2 + (2 * Math.PI * ring) / Math.max(1, count);
      n.x = single && i === 0 ? W / 2 : W / 2 + r * Math.cos(a) * 1.25;
      n.y = single && i === 0 ? H / 2 : H / 2 + r * Math.sin(a);
      n.el.setAttribute('transform', 'translate(' + n.x.toFixed(1) + ',' + n.y.toFixed(1) + ')');
      n.el.classList.toggle('remote', !n.source);
      n.el.classList.toggle('down', !!n.source && !n.source.ok);
      n.name.textContent = n.source ? (n.source.name || addr) : addr;
      var st = n.source && n.source.status;
      if (st) {
        var p = st.counters.p2p;
        n.counters.textContent = 'recv ' + p.itemsReceived + ' \u00b7 fwd ' + p.itemsForwarded + ' \u00b7 dup ' + p.itemsDuplicate;
        n.el.setAttribute('data-received', String(p.itemsReceived));
        n.el.setAttribute('data-neighbours', String(st.neighbours.length));
      }
    });
    edges.forEach(function (ends, k) {
      var l = links.get(k);
      if (!l) {
        l = { a: ends[0], b: ends[1], el: el('line', { 'class': 'link', 'data-a': ends[0], 'data-b': ends[1] }, $('links')) };
        links.set(k, l);
      }
      var a = nodes.get(l.a), b = nodes.get(l.b);
      l.el.setAttribute('x1', a.x); l.el.setAttribute('y1', a.y); l.el.setAttribute('x2', b.x); l.el.setAttribute('y2', b.y);
    });
    $('n-nodes').textContent = String(nodes.size);
    $('n-links').textContent = String(links.size);
  }

  // Items and links as the nodes saw them.
  function pollEvents() {
    return Promise.all(sources.map(function (s) {
      if (!s.addr || !s.ok) return null;
      return getJSON(s.base + '/events?after=' + s.after).then(function (page) {
        s.after = page.last;
        page.events.forEach(function (e) { onEvent(s.addr, e); });
      }, function () {});
    })).then(function () { if (statusSoon) return pollStatus(); });
  }

  function itemFor(id, dataType) {
    var it = items.get(id);
    if (!it) {
      it = { id: id, dataType: dataType, origin: null, receipts: new Map(), shownAt: performance.now(), el: null };
      items.set(id, it);
      var li = document.createElement('li');
      li.className = 'item';
      li.setAttribute('data-id', id);
      li.addEventListener('click', function () { show(it); });
      it.el = li;
      $('items').insertBefore(li, $('items').firstChild);
      while (items.size > MAX_ITEMS) {
        var oldest = items.keys().next().value;
        items.get(oldest).el.remove();
        items.delete(oldest);
      }
      show(it);
    }
    return it;
  }

  function onEvent(addr, e) {
    eventCount++;
    if (e.kind === 'originated') itemFor(e.id, e.dataType).origin = addr;
    else if (e.kind === 'received') itemFor(e.id, e.dataType).receipts.set(addr, { from: e.from, at: e.at });
    else statusSoon = true; // a link went up or down: redraw the graph now
    $('n-events').textContent = String(eventCount);
    $('n-items').textContent = String(items.size);
  }

  function show(it) {
    if (current && current.el) current.el.classList.remove('current');
    current = it;
    it.shownAt = performance.now();
    it.el.classList.add('current');
  }

  /** Hops from the origin, following each node's 'from'; a sender we know nothing about counts as hop 0. */
  function hops(it) {
    var memo = new Map();
    function hop(addr, depth) {
      if (memo.has(addr)) return memo.get(addr);
      var r = it.receipts.get(addr);
      var h = addr === it.origin || !r || depth > 64 ? 0 : hop(r.from, depth + 1) + 1;
      memo.set(addr, h);
      return h;
    }
    if (it.origin) hop(it.origin, 0);
    it.receipts.forEach(function (r, addr) { hop(addr, 0); if (!it.origin) hop(r.from, 0); });
    return memo;
  }

  function describe(it, h) {
    var reached = h.size, depth = 0;
    h.forEach(function (v) { if (v > depth) depth = v; });
    it.el.setAttribute('data-reached', String(reached));
    it.el.setAttribute('data-hops', String(depth));
    it.el.innerHTML = '';
    var code = document.createElement('code');
    code.textContent = it.id;
    var small = document.createElement('small');
    var origin = it.origin && nodes.get(it.origin);
    small.textContent = (origin ? 'from ' + origin.name.textContent + ' \u00b7 ' : '') + 'type ' + it.dataType + ' \u00b7 ' + reached + ' node' + (reached === 1 ? '' : 's') + ' in ' + depth + ' hop' + (depth === 1 ? '' : 's');
    it.el.appendChild(code);
    it.el.appendChild(small);
  }

  // Every frame: light the current item's nodes, one hop per HOP_MS, with a dot travelling each hop.
  function frame() {
    requestAnimationFrame(frame);
    items.forEach(function (it) { var h = hops(it); if (it.el.getAttribute('data-reached') !== String(h.size)) describe(it, h); });
    var dots = $('dots');
    while (dots.firstChild) dots.firstChild.remove();
    links.forEach(function (l) { l.el.classList.remove('hop'); });
    var h = current ? hops(current) : new Map(), now = performance.now(), lit = 0;
    nodes.forEach(function (n, addr) {
      var hop = h.get(addr), at = current ? current.shownAt + (hop || 0) * HOP_MS : 0;
      var reached = hop !== undefined && now >= at;
      n.el.classList.toggle('reached', reached);
      // The origin if known; a sender this page knows nothing more about is hop 0 but not drawn as the origin.
      n.el.classList.toggle('origin', reached && addr === current.origin);
      n.hop.textContent = reached ? String(hop) : '';
      if (reached) { lit++; n.el.setAttribute('data-hop', String(hop)); } else n.el.removeAttribute('data-hop');
      var r = current && current.receipts.get(addr), from = r && nodes.get(r.from);
      if (hop > 0 && from && now < at && now >= at - HOP_MS) {
        var t = 1 - (at - now) / HOP_MS;
        var l = links.get(linkKey(addr, r.from));
        if (l) l.el.classList.add('hop');
        el('circle', { 'class': 'dot', r: 6, cx: from.x + (n.x - from.x) * t, cy: from.y + (n.y - from.y) * t }, dots);
      }
    });
    $('overlay').setAttribute('data-lit', String(lit));
  }

  loop(pollStatus, STATUS_MS);
  loop(pollEvents, EVENTS_MS);
  requestAnimationFrame(frame);
})();
`;
