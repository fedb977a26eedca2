/* loyaltyd dashboard: one page over the public API, with the read key its user pastes
 * (kept in sessionStorage, so it leaves with the tab). Every figure shown is a field of an
 * API answer, formatted, never recomputed. */
(function () {
  'use strict';

  var KEY_ITEM = 'loyaltyd.key';
  var $ = function (id) { return document.getElementById(id); };
  var state = { key: null, surveys: [], period: null, segment: null, charts: {}, gens: {} };
  ['loadNps', 'loadComments', 'loadRetention', 'loadPoints', 'loadCohorts', 'loadRfm', 'loadEndpoints', 'loadRewards'].forEach(function (k) { state.gens[k] = 0; });

  /* Wraps a card's answer handler so that an answer to an older request (the user asked
     again meanwhile) is dropped. */
  function fresh(name, gen, fn) {
    return function (x) { if (state.gens[name] === gen) return fn(x); };
  }

  /* ---- the API ---- */

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  /* The words an owner should read for a failed call. */
  function explain(status, problem) {
    var detail = problem && (problem.detail || problem.title);
    if (problem && problem.errors && problem.errors.length) {
      detail = problem.errors.map(function (e) { return e.pointer + ' ' + e.message; }).join('; ');
    }
    if (status === 401) return 'The key was not accepted. Paste a current key with the read scope.';
    if (status === 403) return 'This key may not read reports: it needs the read scope.';
    if (status === 429) return 'Too many requests for this key; try again in a moment.';
    if (status === 503) return 'The database is unavailable right now; try again in a moment.';
    return detail ? detail : 'loyaltyd answered ' + status + '.';
  }

  /* GET path?params (method: POST for the actions, which send no body). */
  function api(path, params, accept, method) {
    var url = new URL(path, window.location.origin);
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== '') url.searchParams.set(k, params[k]);
    });
    return fetch(url, {
      method: method || 'GET',
      headers: { Authorization: 'Bearer ' + state.key, Accept: accept || 'application/json' },
      cache: 'no-store'
    }).then(function (res) {
      if (res.ok) return accept === 'text/csv' ? res.blob() : res.json();
      return res.json().catch(function () { return null; }).then(function (p) {
        throw new ApiError(res.status, explain(res.status, p));
      });
    }, function () {
      throw new ApiError(0, 'loyaltyd could not be reached. Check the connection and try again.');
    });
  }

  /* ---- formatting ---- */

  function num(x, digits) {
    if (x === null || x === undefined) return '—';
    return Number(x).toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function pct(x) { return x === null || x === undefined ? '—' : num(x, 1) + ' %'; }
  function signed(x) { return x === null || x === undefined ? '—' : (x > 0 ? '+' : '') + num(x, 1); }
  function day(iso) { return iso ? iso.slice(0, 10) : '—'; }
  /* A moment (RFC 3339) in the period's time zone, to the second. */
  function when(iso) {
    if (!iso) return '—';
    var d = new Date(iso), opts = { dateStyle: 'medium', timeStyle: 'medium' };
    try {
      return d.toLocaleString(undefined, Object.assign({ timeZone: state.period ? state.period.tz : undefined }, opts));
    } catch (e) {
      return d.toLocaleString(undefined, opts); /* a time zone this browser does not know */
    }
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function pairs(dl, rows) {
    clear(dl);
    rows.forEach(function (r) {
      dl.appendChild(el('dt', null, r[0]));
      dl.appendChild(el('dd', r[2] ? { 'data-testid': r[2] } : null, r[1]));
    });
  }

  /* A card's state: loading, ready, empty (with what to do), or error (in words). */
  function show(card, what, message) {
    var c = $(card);
    c.setAttribute('data-state', what);
    c.setAttribute('aria-busy', what === 'loading' ? 'true' : 'false');
    c.querySelector('.state').textContent =
      what === 'loading' ? 'Loading…' : message || '';
  }
  function failed(card) {
    return function (err) {
      show(card, 'error', err instanceof ApiError ? err.message : 'Something went wrong: ' + err);
      if (err instanceof ApiError && err.status === 401) forget('The key was not accepted. Paste a current key with the read scope.');
    };
  }

  /* Heat colour of a share 0..100 (null: no data). */
  function heat(cell, share) {
    if (share === null || share === undefined) { cell.className = 'none'; return; }
    var a = Math.max(0.06, Math.min(1, share / 100));
    cell.style.backgroundColor = 'rgba(37, 99, 235, ' + a.toFixed(2) + ')';
    cell.style.color = a > 0.55 ? '#fff' : '#111';
  }

  /* ---- the period ---- */

  function isoDate(d) {
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }
  function nextDay(s) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return ''; /* an empty or unfinished date */
    var d = new Date(s + 'T12:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }
  function readPeriod() {
    return {
      from: $('from').value,
      to: nextDay($('until').value), /* the API's ranges are half-open */
      tz: $('tz').value.trim(),
      interval: $('interval').value,
      survey: $('survey').value
    };
  }

  /* ---- the cards ---- */

  function loadNps(p) {
    var gen = ++state.gens['loadNps'];
    show('nps', 'loading');
    var params = { from: p.from, to: p.to, tz: p.tz, interval: p.interval, survey_id: p.survey };
    return api('/v1/reports/nps', params).then(fresh('loadNps', gen, function (r) {
      if (!r.responses) {
        show('nps', 'empty', 'No NPS answers in this period yet. Embed the widget (/widget/nps.js) in your shop to collect them.');
        return;
      }
      document.querySelector('[data-testid=nps-value]').textContent = num(r.nps, 1);
      document.querySelector('[data-testid=nps-interval]').textContent = num(r.ci_low, 1) + ' to ' + num(r.ci_high, 1);
      document.querySelector('[data-testid=nps-moe]').textContent = '± ' + num(r.margin_of_error, 1);
      document.querySelector('[data-testid=nps-responses]').textContent = num(r.responses, 0);
      var prev = r.previous;
      document.querySelector('[data-testid=nps-previous]').textContent = prev && prev.nps !== null
        ? num(prev.nps, 1) + ' (' + signed(r.previous.change) + (prev.significant ? ', significant' : ', within noise') + ')'
        : 'no answers';
      var split = document.querySelector('[data-testid=nps-split]');
      var legend = document.querySelector('[data-testid=nps-legend]');
      clear(split);
      clear(legend);
      [['promoters', 'Promoters (9–10)'], ['passives', 'Passives (7–8)'], ['detractors', 'Detractors (0–6)']].forEach(function (k) {
        var share = r[k[0] + '_pct'] || 0;
        var part = el('span', { class: k[0], title: k[1] + ': ' + pct(share) });
        part.style.width = share + '%';
        split.appendChild(part);
        var item = el('span', { class: 'key ' + k[0], 'data-testid': 'nps-' + k[0] });
        item.textContent = k[1] + ': ' + num(r[k[0]], 0) + ' (' + pct(share) + ')';
        legend.appendChild(item);
      });
      show('nps', 'ready');
      drawNps(r.series || []);
    }), fresh('loadNps', gen, failed('nps')));
  }

  /* A line chart (uPlot) in box id, replacing the one drawn there before: x are the
     buckets' starts (RFC 3339), lines the series of uPlot options, data their values. */
  function drawLines(id, starts, lines, data, extra) {
    var box = $(id);
    if (state.charts[id]) { state.charts[id].destroy(); delete state.charts[id]; }
    clear(box);
    if (!window.uPlot || starts.length === 0) return;
    var opts = {
      width: Math.max(260, box.clientWidth || 600),
      height: 220,
      tzDate: function (ts) { return window.uPlot.tzDate(new Date(ts * 1000), state.period.tz); },
      series: [{}].concat(lines)
    };
    Object.keys(extra || {}).forEach(function (k) { opts[k] = extra[k]; });
    var xs = starts.map(function (t) { return Date.parse(t) / 1000; });
    state.charts[id] = new window.uPlot(opts, [xs].concat(data), box);
  }

  function drawNps(series) {
    var pick = function (k) { return series.map(function (s) { return s[k]; }); };
    drawLines('nps-chart', pick('start'), [
      { label: 'NPS', stroke: '#2563eb', width: 2, spanGaps: false, points: { show: true, size: 6 } },
      { label: '95 % low', stroke: 'rgba(37,99,235,0.35)', dash: [4, 4] },
      { label: '95 % high', stroke: 'rgba(37,99,235,0.35)', dash: [4, 4] }
    ], [pick('nps'), pick('ci_low'), pick('ci_high')], {
      scales: { y: { range: [-100, 100] } },
      bands: [{ series: [3, 2], fill: 'rgba(37,99,235,0.12)' }]
    });
  }

  function loadComments(p) {
    var gen = ++state.gens['loadComments'];
    show('comments', 'loading');
    var list = document.querySelector('[data-testid=comments]');
    var q = $('q').value.trim();
    var ids = p.survey ? [p.survey] : state.surveys.filter(function (s) { return s.kind === 'nps'; }).map(function (s) { return s.id; });
    if (ids.length === 0) {
      clear(list);
      show('comments', 'empty', 'No NPS survey yet: create one (POST /v1/surveys) and embed the widget.');
      return Promise.resolve();
    }
    return Promise.all(ids.slice(0, 20).map(function (id) {
      return api('/v1/surveys/' + encodeURIComponent(id) + '/responses', {
        category: 'detractor', has_comment: 'true', from: p.from, to: p.to, q: q, limit: 20
      });
    })).then(fresh('loadComments', gen, function (pages) {
      var all = [];
      pages.forEach(function (pg) { all = all.concat(pg.data); });
      all.sort(function (a, b) { return a.responded_at < b.responded_at ? 1 : a.responded_at > b.responded_at ? -1 : 0; });
      clear(list);
      all.slice(0, 20).forEach(function (c) {
        var li = el('li');
        li.appendChild(el('span', { class: 'score' }, c.score));
        li.appendChild(el('q', null, c.comment));
        li.appendChild(el('small', null, (c.customer_id || 'anonymous') + ' · ' + day(c.responded_at)));
        list.appendChild(li);
      });
      if (all.length === 0) {
        show('comments', 'empty', q ? 'No detractor comment in this period mentions “' + q + '”.' : 'No detractor left a comment in this period.');
      } else {
        show('comments', 'ready');
      }
    }), fresh('loadComments', gen, failed('comments')));
  }

  function loadRetention(p) {
    var gen = ++state.gens['loadRetention'];
    show('retention', 'loading');
    var params = { from: p.from, to: p.to, tz: p.tz, interval: 'month' };
    return api('/v1/reports/retention', params).then(fresh('loadRetention', gen, function (r) {
      document.querySelector('[data-testid=retention-rate]').textContent = pct(r.retention_rate);
      document.querySelector('[data-testid=churn-rate]').textContent = pct(r.churn_rate);
      pairs(document.querySelector('[data-testid=retention-counts]'), [
        ['Active at the start', num(r.start, 0), 'retention-start'],
        ['Active at the end', num(r.end, 0), 'retention-end'],
        ['Retained', num(r.retained, 0), 'retention-retained'],
        ['Lost', num(r.lost, 0), 'retention-lost'],
        ['New', num(r['new'], 0), 'retention-new'],
        ['Reactivated', num(r.reactivated, 0), 'retention-reactivated']
      ]);
      if (!r.start && !r.end && !r['new']) {
        show('retention', 'empty', 'No customer ordered in this period or the ' + r.definition.window_days + ' days before it.');
        return;
      }
      show('retention', 'ready', r.start ? '' : 'Nobody was active at the start, so the rates are not defined.');
      /* month by month: the same figures over each local month of the period */
      var months = r.series || [];
      var pick = function (k) { return months.map(function (m) { return m[k]; }); };
      drawLines('retention-chart', pick('from'), [
        { label: 'Retention %', stroke: '#16a34a', width: 2, points: { show: true, size: 6 } },
        { label: 'Churn %', stroke: '#dc2626', width: 2, points: { show: true, size: 6 } }
      ], [pick('retention_rate'), pick('churn_rate')], { scales: { y: { range: [0, 100] } } });
    }), fresh('loadRetention', gen, failed('retention')));
  }

  function loadPoints(p) {
    var gen = ++state.gens['loadPoints'];
    show('points', 'loading');
    return api('/v1/reports/points', { tz: p.tz }).then(fresh('loadPoints', gen, function (r) {
      document.querySelector('[data-testid=points-outstanding]').textContent = num(r.outstanding, 0);
      var soon = (r.expiring || [])[0];
      pairs(document.querySelector('[data-testid=points-figures]'), [
        ['Cash value', r.cash_value + ' ' + r.currency, 'points-cash'],
        ['Expiring within ' + (soon ? soon.days : 30) + ' days', soon ? num(soon.points, 0) + ' (' + soon.cash_value + ' ' + r.currency + ')' : '—', 'points-expiring'],
        ['Breakage', pct(r.breakage), 'points-breakage'],
        ['Customers holding points', num(r.customers_with_points, 0), 'points-customers'],
        ['Earned, all time', num(r.lifetime.earned, 0), 'points-earned'],
        ['Redeemed, all time', num(r.lifetime.redeemed, 0), 'points-redeemed']
      ]);
      show('points', r.lifetime.earned ? 'ready' : 'empty', r.lifetime.earned ? '' : 'No points earned yet.');
    }), fresh('loadPoints', gen, function (err) {
      if (err instanceof ApiError && err.status === 404) {
        show('points', 'empty', 'No points programme yet: set one with PUT /v1/program.');
        return;
      }
      failed('points')(err);
    }));
  }

  function loadCohorts(p) {
    var gen = ++state.gens['loadCohorts'];
    show('cohorts', 'loading');
    var interval = p.interval === 'day' ? 'week' : p.interval;
    return api('/v1/reports/cohorts', { from: p.from, to: p.to, tz: p.tz, interval: interval }).then(fresh('loadCohorts', gen, function (r) {
      var table = document.querySelector('[data-testid=cohort-table]');
      clear(table);
      var cohorts = r.cohorts || [];
      var any = cohorts.some(function (c) { return c.customers > 0; });
      if (!any) {
        show('cohorts', 'empty', 'No first orders in this period yet.');
        return;
      }
      var width = cohorts.reduce(function (m, c) { return Math.max(m, c.periods.length); }, 0);
      var head = el('tr');
      head.appendChild(el('th', { scope: 'col' }, 'Cohort (' + interval + ')'));
      head.appendChild(el('th', { scope: 'col' }, 'Customers'));
      for (var k = 0; k < width; k++) head.appendChild(el('th', { scope: 'col' }, '+' + k));
      table.appendChild(el('thead')).appendChild(head);
      var body = table.appendChild(el('tbody'));
      cohorts.forEach(function (c) {
        var tr = el('tr', { 'data-cohort': day(c.cohort) });
        tr.appendChild(el('th', { scope: 'row' }, day(c.cohort)));
        tr.appendChild(el('td', { class: 'n', 'data-testid': 'cohort-size' }, num(c.customers, 0)));
        for (var i = 0; i < width; i++) {
          var cell = c.periods[i];
          var td = el('td', { class: 'n' });
          if (cell && c.customers > 0) {
            td.textContent = num(cell.rate, 0) + ' %';
            td.title = cell.customers + ' of ' + c.customers + ' ordered; revenue ' + cell.revenue;
            td.setAttribute('data-customers', cell.customers);
            heat(td, cell.rate);
          } else {
            heat(td, null);
          }
          tr.appendChild(td);
        }
        body.appendChild(tr);
      });
      show('cohorts', 'ready');
    }), fresh('loadCohorts', gen, failed('cohorts')));
  }

  var SEGMENT_NAMES = {
    champions: 'Champions', loyal_customers: 'Loyal customers', potential_loyalists: 'Potential loyalists',
    new_customers: 'New customers', promising: 'Promising', need_attention: 'Need attention',
    about_to_sleep: 'About to sleep', at_risk: 'At risk', cant_lose_them: 'Can’t lose them',
    hibernating: 'Hibernating'
  };

  function loadRfm(p) {
    var gen = ++state.gens['loadRfm'];
    show('rfm', 'loading');
    return api('/v1/reports/rfm', { as_of: p.to, tz: p.tz }).then(fresh('loadRfm', gen, function (r) {
      document.querySelector('[data-testid=rfm-as-of]').textContent = 'as of ' + p.to + ' 00:00, ' + num(r.customers, 0) + ' customers';
      var grid = document.querySelector('[data-testid=rfm-grid]');
      var list = document.querySelector('[data-testid=segments]');
      clear(grid);
      clear(list);
      if (!r.customers) {
        show('rfm', 'empty', 'No customer has ordered yet.');
        return;
      }
      var head = el('tr');
      head.appendChild(el('th', { scope: 'col' }, 'R \\ F'));
      for (var f = 1; f <= 5; f++) head.appendChild(el('th', { scope: 'col' }, f));
      grid.appendChild(el('thead')).appendChild(head);
      var body = grid.appendChild(el('tbody'));
      var most = 1;
      r.grid.forEach(function (row) { row.forEach(function (n) { most = Math.max(most, n); }); });
      for (var rs = 5; rs >= 1; rs--) {
        var tr = el('tr');
        tr.appendChild(el('th', { scope: 'row' }, rs));
        for (var fs = 1; fs <= 5; fs++) {
          var n = r.grid[rs - 1][fs - 1];
          var td = el('td', { class: 'n', 'data-r': rs, 'data-f': fs }, n);
          heat(td, n ? n / most * 100 : null);
          tr.appendChild(td);
        }
        body.appendChild(tr);
      }
      var biggest = r.segments.reduce(function (m, s) { return Math.max(m, s.customers); }, 1);
      r.segments.forEach(function (s) {
        var li = el('li');
        var b = el('button', { type: 'button', 'data-segment': s.segment });
        b.appendChild(el('span', { class: 'label' }, SEGMENT_NAMES[s.segment] || s.segment));
        var bar = el('span', { class: 'bar' });
        bar.style.width = (s.customers / biggest * 100) + '%';
        b.appendChild(bar);
        b.appendChild(el('span', { class: 'n', 'data-testid': 'segment-size' }, num(s.customers, 0)));
        b.addEventListener('click', function () { openSegment(s.segment); });
        li.appendChild(b);
        list.appendChild(li);
      });
      show('rfm', 'ready');
    }), fresh('loadRfm', gen, failed('rfm')));
  }

  function segmentParams() {
    return { as_of: state.period.to, tz: state.period.tz };
  }

  function openSegment(name) {
    state.segment = name;
    var card = $('segment');
    card.hidden = false;
    document.querySelector('[data-testid=segment-name]').textContent = SEGMENT_NAMES[name] || name;
    show('segment', 'loading');
    var params = segmentParams();
    params.limit = 100;
    var table = document.querySelector('[data-testid=segment-customers]');
    clear(table);
    api('/v1/segments/' + encodeURIComponent(name) + '/customers', params).then(function (r) {
      if (state.segment !== name) return;
      if (r.data.length === 0) {
        show('segment', 'empty', 'Nobody is in this segment now.');
        return;
      }
      /* the RFM figures when the list carries them (every column a field of the answer) */
      var cols = [['external_id', 'Customer'], ['email', 'Email'], ['name', 'Name'],
                  ['recency_days', 'Days since last order'], ['frequency', 'Orders'], ['monetary', 'Net amount'],
                  ['r', 'R'], ['f', 'F'], ['m', 'M'], ['tags', 'Tags'], ['created_at', 'Customer since']]
        .filter(function (c) { return r.data.some(function (row) { return row[c[0]] !== undefined; }); });
      var head = el('tr');
      cols.forEach(function (c) { head.appendChild(el('th', { scope: 'col' }, c[1])); });
      table.appendChild(el('thead')).appendChild(head);
      var body = table.appendChild(el('tbody'));
      r.data.forEach(function (c) {
        var tr = el('tr');
        cols.forEach(function (col) {
          var v = c[col[0]];
          if (col[0] === 'created_at') v = day(v);
          else if (Array.isArray(v)) v = v.join(', ');
          tr.appendChild(el('td', null, v === null || v === '' ? '—' : v));
        });
        body.appendChild(tr);
      });
      show('segment', 'ready', r.next_cursor ? 'The first 100; the CSV has them all.' : '');
      card.scrollIntoView({ block: 'nearest' });
    }, failed('segment'));
  }

  function downloadCsv() {
    var name = state.segment;
    if (!name) return;
    var button = $('csv');
    button.disabled = true;
    api('/v1/segments/' + encodeURIComponent(name) + '/customers', segmentParams(), 'text/csv').then(function (blob) {
      var a = el('a', { href: URL.createObjectURL(blob), download: 'segment-' + name + '-' + state.period.to + '.csv' });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    }, failed('segment')).then(function () { button.disabled = false; });
  }


  /* ---- event endpoints (the admin scope) ---- */

  var ADMIN_WORDS = 'Event endpoints need an admin key: this key may read reports but not ' +
    'see where events go. Open the dashboard with a key with the admin scope to see them.';

  function badge(kind, words) { return el('span', { class: 'badge ' + kind }, words); }

  /* The words of one delivery's state: when it was delivered, or why it failed (the
     receiver's answer in words) and what happens next. */
  function deliveryDetail(m) {
    if (m.status === 'delivered') return 'delivered ' + when(m.delivered_at);
    var why = m.last_error || (m.attempts ? 'the last attempt failed' : '');
    var tried = m.last_attempt_at ? ' (last tried ' + when(m.last_attempt_at) + ')' : '';
    if (m.status === 'failed') return (why || 'failed') + tried + '; loyaltyd gave up on it';
    if (!m.attempts) return 'waiting for its first attempt, due ' + when(m.next_attempt_at);
    return why + tried + '; next attempt ' + when(m.next_attempt_at);
  }

  var STATUS_BADGE = { delivered: 'ok', pending: 'wait', failed: 'bad' };

  function deliveries(e, messages) {
    var table = el('table', { class: 'list deliveries', 'data-testid': 'messages' });
    table.appendChild(el('caption', { class: 'sr' }, 'The last deliveries to ' + e.url));
    var head = el('tr');
    ['Event', 'Status', 'Created', 'Attempts', 'Last answer', 'Details', 'Action'].forEach(function (h) {
      head.appendChild(el('th', { scope: 'col' }, h));
    });
    table.appendChild(el('thead')).appendChild(head);
    var body = table.appendChild(el('tbody'));
    messages.forEach(function (m) {
      var tr = el('tr', { 'data-testid': 'message', 'data-message': m.id, 'data-status': m.status });
      var type = el('td', { 'data-testid': 'message-type' }, m.type);
      type.appendChild(el('small', null, m.id));
      tr.appendChild(type);
      var status = el('td', { 'data-testid': 'message-status' });
      status.appendChild(badge(STATUS_BADGE[m.status] || 'off', m.status));
      tr.appendChild(status);
      tr.appendChild(el('td', null, when(m.created_at)));
      tr.appendChild(el('td', { class: 'n' }, num(m.attempts, 0)));
      tr.appendChild(el('td', { 'data-testid': 'message-answer' },
        m.last_status ? 'HTTP ' + m.last_status : m.attempts ? 'no answer' : '—'));
      tr.appendChild(el('td', { class: 'detail', 'data-testid': 'message-detail' }, deliveryDetail(m)));
      var action = el('td');
      /* a failed message, or a pending one that failed already: retried now on request */
      if (m.status === 'failed' || (m.status === 'pending' && m.attempts > 0)) {
        var words = m.status === 'failed' ? 'Retry' : 'Retry now';
        action.appendChild(el('button', {
          type: 'button', 'data-action': 'retry', 'data-endpoint': e.id, 'data-message': m.id,
          'aria-label': words + ' ' + m.type + ' ' + m.id
        }, words));
      }
      tr.appendChild(action);
      body.appendChild(tr);
    });
    return table;
  }

  function endpointItem(row) {
    var e = row.endpoint;
    var li = el('li', { class: 'endpoint', 'data-testid': 'endpoint', 'data-endpoint': e.id });
    var head = li.appendChild(el('div', { class: 'endpoint-head' }));
    head.appendChild(el('h3', { 'data-testid': 'endpoint-url' }, e.url));
    head.appendChild(el('button', {
      type: 'button', 'data-action': 'test', 'data-endpoint': e.id,
      'aria-label': 'Send test event to ' + e.url
    }, 'Send test event'));
    var dl = li.appendChild(el('dl'));
    dl.appendChild(el('dt', null, 'Events'));
    dl.appendChild(el('dd', { 'data-testid': 'endpoint-types' },
      e.event_types === null || e.event_types === undefined ? 'all events' : e.event_types.join(', ')));
    dl.appendChild(el('dt', null, 'State'));
    var st = dl.appendChild(el('dd', { 'data-testid': 'endpoint-state' }));
    if (e.enabled) {
      st.appendChild(badge(e.failing_since ? 'wait' : 'ok', 'enabled'));
    } else {
      st.appendChild(badge(e.disabled_reason ? 'bad' : 'off', 'disabled'));
      /* in words when loyaltyd disabled it; a tenant's own PATCH has no reason */
      st.appendChild(document.createTextNode(' ' + (e.disabled_reason || 'by the shop (PATCH it with "enabled": true to resume)')));
    }
    if (e.failing_since) st.appendChild(document.createTextNode(' · failing since ' + when(e.failing_since)));
    if (e.description) {
      dl.appendChild(el('dt', null, 'Description'));
      dl.appendChild(el('dd', { 'data-testid': 'endpoint-description' }, e.description));
    }
    if (row.error) {
      li.appendChild(el('p', { class: 'none' }, 'Its deliveries could not be read: ' + row.error.message));
    } else if (row.messages.length === 0) {
      li.appendChild(el('p', { class: 'none', 'data-testid': 'no-messages' }, 'No deliveries yet: send a test event to try it.'));
    } else {
      li.appendChild(el('div', { class: 'scroll' })).appendChild(deliveries(e, row.messages));
    }
    return li;
  }

  /* The endpoints and the last 10 messages of each. quiet: keep what is shown until the
     answer is there (after an action), then say note and put the focus back on focus (a
     selector), so that a keyboard user stays where they were. */
  function loadEndpoints(quiet, note, focus) {
    var gen = ++state.gens['loadEndpoints'];
    var card = $('endpoints');
    if (quiet) card.setAttribute('aria-busy', 'true');
    else show('endpoints', 'loading');
    return api('/v1/event-endpoints').then(function (r) {
      return Promise.all(r.data.map(function (e) {
        return api('/v1/event-endpoints/' + encodeURIComponent(e.id) + '/messages', { limit: 10 }).then(
          function (m) { return { endpoint: e, messages: m.data, error: null }; },
          function (err) {
            if (err instanceof ApiError && (err.status === 401 || err.status === 403)) throw err;
            return { endpoint: e, messages: [], error: err }; /* e.g. deleted meanwhile */
          });
      }));
    }).then(fresh('loadEndpoints', gen, function (rows) {
      var list = document.querySelector('[data-testid=endpoints]');
      clear(list);
      if (rows.length === 0) {
        show('endpoints', 'empty', 'No event endpoint yet. Add one with an admin key: curl -X POST ' +
          window.location.origin + '/v1/event-endpoints -H "Authorization: Bearer $ADMIN_KEY" ' +
          '-d \'{"url":"https://shop.example/loyaltyd"}\' (keep the secret it answers: it signs every delivery).');
        return;
      }
      rows.forEach(function (row) { list.appendChild(endpointItem(row)); });
      show('endpoints', 'ready', note || '');
      var target = focus && (card.querySelector(focus.primary) || (focus.fallback && card.querySelector(focus.fallback)));
      if (target) target.focus();
    }), fresh('loadEndpoints', gen, function (err) {
      if (err instanceof ApiError && err.status === 403) {
        clear(document.querySelector('[data-testid=endpoints]'));
        show('endpoints', 'empty', ADMIN_WORDS);
        return;
      }
      failed('endpoints')(err);
    }));
  }

  /* "Send test event" and "Retry": POST, then the card again with what happened. */
  function endpointAction(button) {
    var id = button.getAttribute('data-endpoint');
    var msg = button.getAttribute('data-message');
    var base = '/v1/event-endpoints/' + encodeURIComponent(id);
    var back = { primary: '[data-endpoint="' + id + '"] button[data-action=test]' };
    var path = base + '/test';
    if (msg) {
      path = base + '/messages/' + encodeURIComponent(msg) + '/retry';
      back = { primary: 'button[data-message="' + msg + '"]', fallback: back.primary };
    }
    button.disabled = true;
    api(path, null, null, 'POST').then(function (m) {
      return msg ? m.id + ' is queued again: loyaltyd delivers it now.'
                 : 'Test event ' + m.id + ' queued: loyaltyd delivers it in a moment.';
    }, function (err) {
      if (err instanceof ApiError && err.status === 401) { failed('endpoints')(err); throw err; }
      if (err instanceof ApiError && err.status === 403) return ADMIN_WORDS;
      return (msg ? 'The retry was not made: ' : 'The test event was not sent: ') + err.message;
    }).then(function (note) { return loadEndpoints(true, note, back); }, function () { /* forgotten */ });
  }

  /* What a reward gives, in words. */
  function gives(r) {
    if (r.kind === 'fixed_amount') return r.amount + ' ' + r.currency + ' off';
    if (r.kind === 'percent') return r.percent + ' % off';
    if (r.kind === 'free_shipping') return 'free shipping';
    if (r.kind === 'gift') return 'gift: ' + r.description;
    return r.description || 'custom';
  }

  /* The catalogue: each reward with its stock and the coupons it has issued and had used. */
  function loadRewards() {
    var gen = ++state.gens['loadRewards'];
    show('rewards', 'loading');
    return api('/v1/rewards').then(fresh('loadRewards', gen, function (r) {
      var table = document.querySelector('[data-testid=rewards]');
      clear(table);
      if (r.data.length === 0) {
        show('rewards', 'empty', 'No reward yet. Add one with an admin key: POST ' +
          window.location.origin + '/v1/rewards with its name, points_cost and kind (see docs/rewards.md).');
        return;
      }
      var head = el('tr');
      ['Reward', 'Gives', 'Points', 'Stock left', 'Issued', 'Used', 'State'].forEach(function (h) {
        head.appendChild(el('th', { scope: 'col' }, h));
      });
      table.appendChild(el('thead')).appendChild(head);
      var body = table.appendChild(el('tbody'));
      r.data.forEach(function (w) {
        var tr = el('tr', { 'data-testid': 'reward', 'data-reward': w.id });
        tr.appendChild(el('th', { scope: 'row' }, w.name));
        tr.appendChild(el('td', null, gives(w)));
        tr.appendChild(el('td', { class: 'num' }, num(w.points_cost, 0)));
        tr.appendChild(el('td', { class: 'num' }, w.remaining === null ? 'no limit' : num(w.remaining, 0)));
        tr.appendChild(el('td', { class: 'num' }, num(w.issued, 0)));
        tr.appendChild(el('td', { class: 'num' }, num(w.used, 0)));
        tr.appendChild(el('td', null, (w.enabled ? 'enabled' : 'disabled') +
          (w.tier ? ' · ' + w.tier + ' and above' : '') +
          (w.codes === 'pool' ? ' · ' + num(w.pool_available, 0) + ' codes in the pool' : '')));
        body.appendChild(tr);
      });
      show('rewards', 'ready');
    }), fresh('loadRewards', gen, failed('rewards')));
  }

  /* ---- the page ---- */

  function refresh() {
    var p = readPeriod();
    if (!p.from || !p.to || p.from >= p.to) {
      notice('The period is empty: “From” must come before “Until”.');
      return;
    }
    notice('');
    state.period = p;
    $('segment').hidden = true;
    state.segment = null;
    loadNps(p);
    loadComments(p);
    loadRetention(p);
    loadPoints(p);
    loadCohorts(p);
    loadRfm(p);
    loadEndpoints(false);
    loadRewards();
  }

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  /* Opens the dashboard once the key has read the shop's surveys. */
  function start() {
    var open = document.querySelector('#key-form button');
    open.disabled = true;
    api('/v1/surveys', { limit: 100 }).then(function (r) {
      open.disabled = false;
      notice('');
      $('key-form').hidden = true;
      $('key-set').hidden = false;
      $('main').hidden = false;
      state.surveys = r.data;
      var select = $('survey');
      while (select.options.length > 1) select.remove(1);
      r.data.filter(function (s) { return s.kind === 'nps'; }).forEach(function (s) {
        select.appendChild(el('option', { value: s.id }, s.name));
      });
      refresh();
    }, function (err) {
      open.disabled = false;
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        forget(err.message); /* a key that cannot read is of no use here */
      } else {
        notice(err.message || String(err)); /* kept: try again with "Open" */
        $('key').value = state.key;
      }
    });
  }

  function forget(message) {
    sessionStorage.removeItem(KEY_ITEM);
    state.key = null;
    $('key').value = '';
    $('key-form').hidden = false;
    $('key-set').hidden = true;
    $('main').hidden = true;
    notice(message || '');
  }

  function init() {
    var today = new Date();
    var from = new Date(today.getTime() - 89 * 86400000);
    $('from').value = isoDate(from);
    $('until').value = isoDate(today);
    var zone = 'UTC';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { /* keep UTC */ }
    $('tz').value = zone;
    if (Intl.supportedValuesOf) {
      var zones = $('zones');
      Intl.supportedValuesOf('timeZone').forEach(function (z) { zones.appendChild(el('option', { value: z })); });
    }
    $('key-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var k = $('key').value.trim();
      if (!k) return;
      state.key = k;
      sessionStorage.setItem(KEY_ITEM, k);
      notice('');
      start();
    });
    $('forget').addEventListener('click', function () { forget(''); });
    $('period').addEventListener('submit', function (e) { e.preventDefault(); refresh(); });
    $('comment-search').addEventListener('submit', function (e) {
      e.preventDefault();
      if (state.period) loadComments(state.period);
    });
    $('csv').addEventListener('click', downloadCsv);
    $('endpoints-refresh').addEventListener('click', function () {
      loadEndpoints(true, '', { primary: '#endpoints-refresh' });
    });
    document.querySelector('[data-testid=endpoints]').addEventListener('click', function (e) {
      var b = e.target.closest('button[data-action]');
      if (b && !b.disabled) endpointAction(b);
    });
    window.addEventListener('resize', function () {
      Object.keys(state.charts).forEach(function (id) {
        state.charts[id].setSize({ width: Math.max(260, $(id).clientWidth), height: 220 });
      });
    });
    state.key = sessionStorage.getItem(KEY_ITEM);
    if (state.key) start();
  }

  init();
}());
