// The dashboard: reads the API (never the chain) and refreshes when the read model applies new blocks (server-sent
// events from /events; polling every 5 s when the stream is down). No external scripts or styles.
'use strict';

const state = { selected: null, refreshing: false, again: false, head: null };

const $ = (selector) => document.querySelector(selector);
const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
};

async function get(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

// Amounts are decimal strings of base units (18 decimals): shown with up to 4 decimals, without floating point.
// Below one token, up to 10 decimals so prices per MiB stay readable.
function tokens(baseUnits, decimals = 18) {
  if (baseUnits == null) return '–';
  const value = BigInt(baseUnits);
  const scale = 10n ** BigInt(decimals);
  const whole = value / scale;
  const places = whole === 0n ? 10 : 4;
  const fraction = ((value % scale) * 10n ** BigInt(places)) / scale;
  return fraction === 0n ? whole.toLocaleString('en') : `${whole.toLocaleString('en')}.${fraction.toString().padStart(places, '0').replace(/0+$/, '')}`;
}
const mib = (bytes) => `${(Number(BigInt(bytes) * 100n / 1048576n) / 100).toLocaleString('en')} MiB`;
const short = (address) => address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '–';
const when = (seconds) => seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16) : '–';
const badge = (text, cls) => el('span', { class: `badge ${cls}` }, text);

async function refresh() {
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try {
    const [status, disputes, sessions, oracles, providers, rates, stats] = await Promise.all([
      get('status'), get('disputes?limit=20'), get('sessions?limit=15'), get('oracles?limit=15'),
      get('providers?limit=15&status=any'), get('rates?rounds=20'), get('stats/disputes?days=14')]);
    renderStatus(status);
    renderDisputes(disputes.items, status);
    renderSessions(sessions.items);
    renderOracles(oracles.items);
    renderProviders(providers.items);
    renderRates(rates);
    renderChart(stats);
    if (state.selected != null) await renderDetail(state.selected);
  } catch (error) {
    $('#head').textContent = `the API did not answer: ${error.message}`;
  } finally {
    state.refreshing = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

function renderStatus(status) {
  const asOf = status.asOf;
  $('#head').textContent = asOf
    ? `chain ${status.chainId} · block ${asOf.block} · chain time ${when(asOf.time)} UTC · relayer ${short(status.relayer)}`
    : `chain ${status.chainId} · the read model has not applied a block yet`;
  $('#dispute-counts').textContent = `${status.disputes} filed, ${status.openDisputes} open`;
}

function renderDisputes(items) {
  const body = $('#disputes tbody');
  body.replaceChildren(...items.map((d) => {
    const row = el('tr', { 'data-dispute-id': d.disputeId, 'data-phase': d.phase, class: d.disputeId === state.selected ? 'selected' : '' },
      el('td', {}, d.disputeId), el('td', {}, d.sessionId), el('td', {}, d.claimType),
      el('td', { title: d.filer }, short(d.filer)), el('td', { title: d.respondent }, short(d.respondent)),
      el('td', {}, badge(d.phase, `phase-${d.phase}`)), el('td', {}, d.round),
      el('td', { class: `ruling-${d.ruling}` }, d.ruling === 'None' ? '–' : d.ruling), el('td', {}, when(d.filedAt)));
    row.addEventListener('click', () => { state.selected = d.disputeId; renderDetail(d.disputeId); });
    return row;
  }));
  if (items.length === 0) body.append(el('tr', {}, el('td', { colSpan: 9, class: 'muted' }, 'no disputes yet')));
}

const PHASES = ['Drawing', 'Commit', 'Reveal', 'Appealable', 'Executable', 'Executed'];

async function renderDetail(id) {
  const d = await get(`disputes/${id}`);
  const box = $('#dispute-detail');
  box.hidden = false;
  box.setAttribute('data-dispute-id', d.disputeId);
  box.setAttribute('data-phase', d.phase);
  const current = PHASES.indexOf(d.phase);
  const phases = el('div', { class: 'phases' }, PHASES.map((p, i) => el('span', { class: i < current ? 'done' : i === current ? 'current' : '' }, p)));
  const round = d.rounds[d.round] ?? d.rounds[d.rounds.length - 1];
  const seats = round?.votes?.length
    ? el('table', { class: 'committee' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Juror'), el('th', {}, 'Seats'), el('th', {}, 'Committed'), el('th', {}, 'Vote'), el('th', {}, 'Reward'), el('th', {}, 'Slashed'))),
        el('tbody', {}, round.votes.map((v) => el('tr', { 'data-juror': v.juror },
          el('td', { title: v.juror }, short(v.juror)), el('td', {}, v.seats), el('td', {}, v.committed ? 'yes' : 'no'),
          el('td', { class: `ruling-${v.vote}` }, v.vote ?? (v.committed ? 'sealed' : '–')), el('td', {}, tokens(v.reward)), el('td', {}, tokens(v.slashed))))))
    : el('p', { class: 'muted' }, round?.drawingDeadline ? `waiting for the committee (drawing ends ${when(round.drawingDeadline)})` : 'no committee');
  const payouts = d.payouts.length
    ? el('ul', {}, d.payouts.map((p) => el('li', {}, `${short(p.account)}: ${tokens(p.amount)} VPN`)))
    : el('p', { class: 'muted' }, 'no payouts yet');
  const timeline = el('ol', {}, d.timeline.map((e) => el('li', {}, `${when(e.time)} ${e.event}`)));
  box.replaceChildren(
    el('h3', {}, `Dispute ${d.disputeId} · session ${d.sessionId} · ${d.claimType} (rule ${d.ruleId})`),
    phases,
    el('p', {}, `Round ${d.round}, ruling `, el('strong', { class: `ruling-${d.ruling}`, id: 'detail-ruling' }, d.ruling),
      d.phaseEndsAt ? ` · phase ends ${when(d.phaseEndsAt)}` : '', d.outcome !== 'open' ? ` · ${d.outcome}` : '',
      d.winner ? ` · winner ${short(d.winner)}, penalty ${tokens(d.penaltyPaid)} VPN` : ''),
    el('h3', {}, 'Committee'), seats,
    el('h3', {}, 'Payouts'), payouts,
    el('h3', {}, 'Timeline'), timeline);
  document.querySelectorAll('#disputes tr').forEach((row) => row.classList.toggle('selected', row.getAttribute('data-dispute-id') === String(id)));
}

function renderSessions(items) {
  $('#sessions tbody').replaceChildren(...items.map((s) => el('tr', { 'data-session-id': s.sessionId },
    el('td', {}, s.sessionId), el('td', { title: s.client }, short(s.client)), el('td', { title: s.provider }, short(s.provider)),
    el('td', {}, s.status), el('td', {}, when(s.openedAt)), el('td', {}, mib(s.cumulativeBytes)),
    el('td', {}, `${tokens(s.paid)} VPN`), el('td', {}, `${tokens(s.deposit)} VPN`), el('td', {}, s.disputes))));
}

function renderOracles(items) {
  $('#oracles tbody').replaceChildren(...items.map((o) => el('tr', { 'data-oracle': o.address },
    el('td', { title: o.address }, short(o.address)), el('td', {}, tokens(o.stake)), el('td', {}, tokens(o.locked)),
    el('td', {}, o.votes.seats), el('td', {}, o.votes.coherenceRate == null ? '–' : `${Math.round(o.votes.coherenceRate * 100)} %`),
    el('td', {}, tokens(o.rewards)), el('td', { class: o.slashed !== '0' ? 'warn' : '' }, tokens(o.slashed)))));
}

function renderProviders(items) {
  $('#providers tbody').replaceChildren(...items.map((p) => el('tr', { 'data-provider': p.address },
    el('td', { title: p.address }, short(p.address)), el('td', {}, p.region), el('td', {}, `${tokens(p.pricePerMiB)} VPN`),
    el('td', {}, `${tokens(p.bond)} VPN`), el('td', {}, p.reputation.sessionsServed),
    el('td', {}, `${p.reputation.disputesAgainst} (${p.reputation.disputesUpheld})`))));
}

function renderRates(rates) {
  const label = { 'vpn-eth': 'ETH per VPN', 'btc-eth': 'ETH per BTC' };
  $('#feeds').replaceChildren(...rates.feeds.map((f) => {
    const points = f.rounds.filter((r) => r.answer != null).reverse();
    const values = points.map((r) => Number(BigInt(r.answer) / 10n ** 9n));
    const max = Math.max(...values, 1), min = Math.min(...values, max);
    const line = values.map((v, i) => `${(i / Math.max(values.length - 1, 1)) * 200},${40 - ((v - min) / Math.max(max - min, 1)) * 36}`).join(' ');
    return el('div', { class: 'card', 'data-feed': f.name },
      el('div', { class: 'muted' }, `${f.name} (${label[f.name] ?? ''})`),
      el('div', { class: 'price' }, f.latest ? tokens(f.latest.answer) : '–'),
      el('div', {}, f.latest ? `round ${f.latest.roundId}, ${when(f.latest.updatedAt)}` : 'no round',
        ' ', f.stale ? badge('stale: no trades', 'warn') : f.paused ? badge(`paused until ${when(f.pausedUntil)}`, 'warn') : badge('trading', 'live')),
      svg('svg', { viewBox: '0 0 200 44', width: '200', height: '44' }, svg('polyline', { points: line, fill: 'none', stroke: '#4aa3ff', 'stroke-width': '1.5' })));
  }));
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

// Filed (left bar) and their endings stacked (right bar) per day.
function renderChart(buckets) {
  const chart = $('#chart');
  const width = 640, height = 220, bottom = 190, left = 30;
  const max = Math.max(1, ...buckets.map((b) => Math.max(b.filed, b.upheld + b.rejected + b.dismissed)));
  const slot = (width - left) / Math.max(buckets.length, 1);
  const y = (v) => bottom - (v / max) * (bottom - 10);
  const parts = [svg('line', { x1: left, y1: bottom, x2: width, y2: bottom, stroke: '#27303a' }), svg('text', { x: 2, y: y(max) + 4 }, String(max))];
  buckets.forEach((b, i) => {
    const x = left + i * slot + 2, w = Math.max(2, slot / 2 - 3);
    parts.push(svg('rect', { x, y: y(b.filed), width: w, height: bottom - y(b.filed), fill: '#4aa3ff', 'data-day': b.day, 'data-filed': b.filed }));
    let top = bottom;
    for (const [value, color] of [[b.upheld, '#e5534b'], [b.rejected, '#57ab5a'], [b.dismissed, '#8b949e']]) {
      const h = bottom - y(value);
      if (h > 0) { top -= h; parts.push(svg('rect', { x: x + w + 1, y: top, width: w, height: h, fill: color })); }
    }
    if (i % 2 === 0) parts.push(svg('text', { x, y: bottom + 14 }, b.day.slice(5)));
  });
  chart.replaceChildren(...parts);
}

function connect() {
  const live = $('#live');
  const events = new EventSource('events');
  events.addEventListener('head', (event) => {
    live.textContent = 'live';
    live.classList.add('live');
    const head = JSON.parse(event.data);
    if (head.block !== state.head) { state.head = head.block; refresh(); }
  });
  events.onerror = () => { live.textContent = 'reconnecting'; live.classList.remove('live'); };
}

refresh();
connect();
setInterval(() => { if (!$('#live').classList.contains('live')) refresh(); }, 5000);
