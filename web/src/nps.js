/* loyaltyd survey widget, served at /widget/nps.js. No dependencies. A shop embeds it with
 *
 *   <script src="https://LOYALTYD/widget/nps.js" async
 *           data-key="lk_… (a key with the respond scope only)"
 *           data-survey="SURVEY_ID"
 *           data-scale="nps|csat"              (default nps: 0-10; csat: 1-5)
 *           data-question="…"                   (optional)
 *           data-customer-id="…"                (optional)
 *           data-customer-hash="…"              (when the shop requires identity verification:
 *                                                hex HMAC-SHA256(secret, customer id), made by
 *                                                the shop's backend)
 *           data-lang="uk|ru|hr|en"             (optional; default: the page's lang, else en)
 *           data-target="#css-selector"></script> (optional; default: right after the script)
 *
 * It draws into a shadow root, so the host page's styles and its own never mix; the scale
 * is a group of radio buttons (arrow keys move, Tab leaves), the answer is posted across
 * origins to the loyaltyd the script came from, and the widget says thank you. It fires a
 * "loyaltyd:answered" event (bubbling, detail = the stored answer) on its element; when an
 * answer is refused, the reason is in the element's data-loyaltyd-error attribute and the
 * console (the visitor is only told it could not be sent). */
(function () {
  'use strict';

  /* The widget's words in the languages of the shops it is made for (docs/DESIGN.md's seeds are
     Ukrainian, Russian and Croatian), and English. */
  var TEXTS = {
    en: {
      nps: 'How likely are you to recommend us to a friend or colleague?',
      csat: 'How satisfied are you with us?',
      low: { nps: 'Not at all likely', csat: 'Very unsatisfied' },
      high: { nps: 'Extremely likely', csat: 'Very satisfied' },
      comment: 'What is the main reason for your score? (optional)',
      send: 'Send',
      sending: 'Sending…',
      thanks: 'Thank you for your answer!',
      pick: 'Please choose a score first.',
      failed: 'Your answer could not be sent. Please try again.'
    },
    uk: {
      nps: 'Наскільки ймовірно, що ви порекомендуєте нас другові чи колезі?',
      csat: 'Наскільки ви задоволені нами?',
      low: { nps: 'Зовсім малоймовірно', csat: 'Зовсім незадоволені' },
      high: { nps: 'Дуже ймовірно', csat: 'Дуже задоволені' },
      comment: 'Яка головна причина вашої оцінки? (необов’язково)',
      send: 'Надіслати',
      sending: 'Надсилаємо…',
      thanks: 'Дякуємо за вашу відповідь!',
      pick: 'Спершу оберіть оцінку.',
      failed: 'Не вдалося надіслати відповідь. Спробуйте ще раз.'
    },
    ru: {
      nps: 'Насколько вероятно, что вы порекомендуете нас другу или коллеге?',
      csat: 'Насколько вы довольны нами?',
      low: { nps: 'Совсем маловероятно', csat: 'Совсем недовольны' },
      high: { nps: 'Очень вероятно', csat: 'Очень довольны' },
      comment: 'Какова главная причина вашей оценки? (необязательно)',
      send: 'Отправить',
      sending: 'Отправляем…',
      thanks: 'Спасибо за ваш ответ!',
      pick: 'Сначала выберите оценку.',
      failed: 'Не удалось отправить ответ. Попробуйте ещё раз.'
    },
    hr: {
      nps: 'Koliko je vjerojatno da biste nas preporučili prijatelju ili kolegi?',
      csat: 'Koliko ste zadovoljni nama?',
      low: { nps: 'Nimalo vjerojatno', csat: 'Vrlo nezadovoljni' },
      high: { nps: 'Vrlo vjerojatno', csat: 'Vrlo zadovoljni' },
      comment: 'Koji je glavni razlog vaše ocjene? (neobavezno)',
      send: 'Pošalji',
      sending: 'Slanje…',
      thanks: 'Hvala vam na odgovoru!',
      pick: 'Najprije odaberite ocjenu.',
      failed: 'Vaš odgovor nije poslan. Pokušajte ponovno.'
    }
  };

  /* data-lang, else the page's own language, else English. */
  function language(script) {
    var want = (script.getAttribute('data-lang') || document.documentElement.lang || 'en').toLowerCase();
    var base = want.split('-')[0];
    return TEXTS[base] ? base : 'en';
  }

  var STYLE =
    ':host{all:initial;display:block;max-width:100%;contain:content}' +
    '*{box-sizing:border-box}' +
    '.w{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#fff;' +
    'border:1px solid #e5e7eb;border-radius:10px;padding:16px;max-width:560px}' +
    'fieldset{border:0;margin:0;padding:0;min-width:0}' +
    'legend{font-weight:600;margin-bottom:10px;padding:0}' +
    '.scale{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:4px}' +
    '.scale label{position:relative;display:block}' +
    '.scale input{position:absolute;opacity:0;inset:0;margin:0;cursor:pointer}' +
    '.scale span{display:block;text-align:center;padding:8px 0;border:1px solid #cbd5e1;border-radius:6px;' +
    'font-variant-numeric:tabular-nums;user-select:none}' +
    '.scale input:checked+span{background:#2563eb;border-color:#2563eb;color:#fff}' +
    '.scale input:focus-visible+span{outline:3px solid #93c5fd;outline-offset:1px}' +
    '.ends{display:flex;justify-content:space-between;font-size:12px;color:#6b7280;margin-top:4px;gap:8px}' +
    'label.c{display:block;margin:12px 0 4px;font-size:14px}' +
    'textarea{display:block;width:100%;font:inherit;border:1px solid #cbd5e1;border-radius:6px;padding:6px;resize:vertical}' +
    'textarea:focus-visible,button:focus-visible{outline:3px solid #93c5fd;outline-offset:1px}' +
    'button{margin-top:10px;font:inherit;background:#2563eb;color:#fff;border:0;border-radius:6px;padding:8px 16px;cursor:pointer}' +
    'button[disabled]{opacity:.6;cursor:default}' +
    '.msg{margin:8px 0 0;font-size:14px;color:#991b1b}.msg:empty{display:none}' +
    '.done{font-weight:600;margin:0}.done:focus{outline:none}';

  function randomId() {
    var c = window.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var b = new Uint8Array(16);
    c.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  function node(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* What went wrong, for the shop's developer (the visitor reads TEXT.failed). */
  function problemText(status, p) {
    if (p && p.errors && p.errors.length) return p.errors[0].pointer.slice(1) + ' ' + p.errors[0].message;
    return (p && p.detail) || 'loyaltyd answered ' + status;
  }

  function mount(script) {
    if (script.getAttribute('data-loyaltyd-mounted')) return;
    script.setAttribute('data-loyaltyd-mounted', '1');
    var d = script.dataset;
    var lang = language(script);
    var TEXT = TEXTS[lang];
    var scale = d.scale === 'csat' ? 'csat' : 'nps';
    var lo = scale === 'nps' ? 0 : 1, hi = scale === 'nps' ? 10 : 5;
    var api = new URL(script.src, document.baseURI).origin;
    var host = d.target ? document.querySelector(d.target) : null;
    if (!host) {
      host = node('div', { 'class': 'loyaltyd-survey' });
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var uid = 'l' + randomId().replace(/-/g, '').slice(0, 8);

    var style = node('style');
    style.textContent = STYLE;
    var box = node('div', { 'class': 'w', lang: lang });
    var form = node('form', { novalidate: '' });
    var set = node('fieldset');
    set.appendChild(node('legend', { id: uid + 'q' }, d.question || TEXT[scale]));
    var group = node('div', { 'class': 'scale', role: 'radiogroup', 'aria-labelledby': uid + 'q' });
    group.style.setProperty('--n', String(hi - lo + 1));
    for (var s = lo; s <= hi; s++) {
      var lab = node('label');
      var input = node('input', { type: 'radio', name: uid + 's', value: String(s), 'aria-label': String(s) });
      lab.appendChild(input);
      lab.appendChild(node('span', { 'aria-hidden': 'true' }, String(s)));
      group.appendChild(lab);
    }
    set.appendChild(group);
    var ends = node('div', { 'class': 'ends', 'aria-hidden': 'true' });
    ends.appendChild(node('span', null, TEXT.low[scale]));
    ends.appendChild(node('span', null, TEXT.high[scale]));
    set.appendChild(ends);
    form.appendChild(set);
    form.appendChild(node('label', { 'class': 'c', 'for': uid + 'c' }, TEXT.comment));
    var comment = node('textarea', { id: uid + 'c', rows: '3', maxlength: '4000' });
    form.appendChild(comment);
    var send = node('button', { type: 'submit' }, TEXT.send);
    form.appendChild(send);
    var msg = node('p', { 'class': 'msg', role: 'status', 'aria-live': 'polite' });
    form.appendChild(msg);
    box.appendChild(form);
    root.appendChild(style);
    root.appendChild(box);

    var answerId = randomId(); /* the same on a retry, so an answer is stored once */
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var picked = form.querySelector('input[type=radio]:checked');
      if (!picked) {
        msg.textContent = TEXT.pick;
        group.querySelector('input').focus();
        return;
      }
      var body = { id: answerId, score: Number(picked.value), channel: 'web' };
      if (comment.value.trim()) body.comment = comment.value.trim();
      if (d.customerId) body.customer_id = d.customerId;
      if (d.customerHash) body.customer_hash = d.customerHash;
      send.disabled = true;
      send.textContent = TEXT.sending;
      msg.textContent = '';
      fetch(api + '/v1/surveys/' + encodeURIComponent(d.survey || '') + '/responses', {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        headers: { Authorization: 'Bearer ' + (d.key || ''), 'Content-Type': 'application/json' },
        body: JSON.stringify(body)
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (j) {
          if (!res.ok) throw new Error(problemText(res.status, j));
          var done = node('p', { 'class': 'done', role: 'status', tabindex: '-1' }, TEXT.thanks);
          box.replaceChild(done, form);
          done.focus();
          host.dispatchEvent(new CustomEvent('loyaltyd:answered', { bubbles: true, detail: j }));
        });
      }).catch(function (err) {
        /* the visitor can do nothing about the shop's set-up: the details go to the
           shop's developer, on the element and in the console */
        host.setAttribute('data-loyaltyd-error', err.message);
        if (window.console) console.warn('loyaltyd survey widget: ' + err.message);
        msg.textContent = TEXT.failed;
        send.disabled = false;
        send.textContent = TEXT.send;
      });
    });
  }

  var me = document.currentScript;
  if (me && me.dataset && me.dataset.survey) {
    mount(me);
  } else {
    var all = document.querySelectorAll('script[data-survey][src*="/widget/nps.js"]');
    for (var i = 0; i < all.length; i++) mount(all[i]);
  }
}());
