// flow.js draws the live view: it polls /api/flow/steps and builds the sequence diagram from
// the element tree the server laid out (flow.Diagram), with DOM calls only; clicking an arrow
// opens /api/flow/steps/ID. It computes nothing of its own. An arrow's link is the fragment
// #flow-ID, so opening the page at it shows that request, as a click does.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var box = $('flow-diagram');
  if (!box) {
    return;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  // The elements and attributes the diagram is made of; anything else is dropped.
  var tags = {svg: 1, g: 1, line: 1, rect: 1, path: 1, text: 1, title: 1};
  var attrs = /^(xmlns|class|viewBox|width|height|role|aria-label|tabindex|x|y|x1|y1|x2|y2|rx|d|text-anchor|data-[a-z]+)$/;
  var last = null;
  var shown = null;   // the ID of the request shown
  var secrets = false;

  function build(n) {
    if (!tags[n.t]) {
      return null;
    }
    var e = document.createElementNS(SVG, n.t);
    (n.a || []).forEach(function (a) {
      if (attrs.test(a[0]) && a[0] !== 'xmlns') {
        e.setAttribute(a[0], a[1]);
      }
    });
    if (n.x) {
      e.appendChild(document.createTextNode(n.x));
    }
    (n.c || []).forEach(function (c) {
      var k = build(c);
      if (k) {
        e.appendChild(k);
      }
    });
    return e;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    return node;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text) {
      e.textContent = text;
    }
    return e;
  }

  function mark() {
    box.querySelectorAll('g.arrow').forEach(function (g) {
      g.classList.toggle('selected', g.getAttribute('data-id') === String(shown));
    });
  }

  function draw(answer) {
    var svg = build(answer.diagram);
    clear(box).appendChild(svg);
    box.querySelectorAll('g.arrow').forEach(function (g) {
      var open = function () { location.hash = 'flow-' + g.getAttribute('data-id'); };
      g.addEventListener('click', open);
      g.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          open();
        }
      });
    });
    mark();
    var n = answer.steps.length;
    var status = n === 0 ? 'no request yet' : n + ' request' + (n === 1 ? '' : 's');
    if (answer.dropped > 0) {
      status += ' (the ' + answer.dropped + ' oldest forgotten: the view keeps the last ' + n + ')';
    }
    $('flow-status').textContent = status + '; updated as they come.';
  }

  function poll() {
    var url = '/api/flow/steps' + (last === null ? '' : '?after=' + last);
    fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
      if (!r.ok) {
        throw new Error('HTTP ' + r.status);
      }
      return r.json();
    }).then(function (answer) {
      if (!answer.unchanged) {
        draw(answer);
      }
      last = answer.last;
      setTimeout(poll, 1000);
    }).catch(function () {
      $('flow-status').textContent = 'the emulator does not answer (stopped?); trying again…';
      setTimeout(poll, 3000);
    });
  }

  var words = {allow: 'allowed', deny: 'refused'};

  function showCheck(d) {
    var c = d.failed;
    var div = el('div', 'flow-check');
    div.setAttribute('data-check', c.name);
    div.setAttribute('data-status', c.status);
    var head = el('p', 'flow-check-head');
    head.appendChild(el('span', 'st st-fail', 'FAIL'));
    head.appendChild(el('code', 'flow-check-name', c.name));
    head.appendChild(el('span', 'flow-check-detail', c.detail));
    div.appendChild(head);
    if (c.evidence && c.evidence.length) {
      var ul = el('ul', 'evidence');
      c.evidence.forEach(function (line) { ul.appendChild(el('li', '', line)); });
      div.appendChild(ul);
    }
    if (c.fix) {
      var fix = el('p', 'fix');
      fix.appendChild(el('strong', '', 'fix: '));
      fix.appendChild(document.createTextNode(c.fix));
      div.appendChild(fix);
    }
    return div;
  }

  function showExchange(x) {
    var s = x.step;
    var verdict = words[s.decision] + (s.code ? ' ' + s.code : '');
    $('flow-title').textContent = s.id + '. ' + s.operation + ' → ' + s.service + ': ' + verdict;
    $('flow-title').setAttribute('data-decision', s.decision);
    var bits = ['HTTP ' + s.status];
    if (s.principal) {
      bits.push('principal ' + s.principal);
    }
    if (s.resource) {
      bits.push('on ' + s.resource);
    }
    bits.push('at ' + s.time);
    $('flow-summary').textContent = bits.join(' · ');
    var checks = clear($('flow-checks'));
    x.decisions.forEach(function (d) {
      if (d.failed) {
        checks.appendChild(showCheck(d));
      } else if (d.decision === 'deny' && d.detail) {
        checks.appendChild(el('p', 'flow-why', 'refused: ' + d.detail));
      }
    });
    $('flow-request').textContent = x.request;
    $('flow-response').textContent = x.response;
    $('flow-detail').classList.toggle('secrets-shown', x.secrets_shown);
    var b = $('flow-secrets');
    b.textContent = x.secrets_shown ? 'hide secrets' : 'show secrets';
    b.setAttribute('aria-pressed', String(x.secrets_shown));
    $('flow-secrets-note').textContent = x.secrets_shown ?
      'Secrets of this request are shown as they were sent and issued: anyone who sees this screen can use them until they expire.' :
      'Secrets (tokens, signatures, passwords, the credentials issued) are hidden as --trace hides them.';
    $('flow-detail').hidden = false;
  }

  function open(id) {
    shown = id;
    mark();
    fetch('/api/flow/steps/' + id + (secrets ? '?secrets=show' : ''), {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) {
        if (!r.ok) {
          return r.text().then(function (t) { throw new Error(t); });
        }
        return r.json();
      }).then(showExchange).catch(function (e) {
        $('flow-title').textContent = 'request ' + id + ': ' + e.message;
        $('flow-detail').hidden = false;
      });
  }

  function fromFragment() {
    var m = /^#flow-(\d+)$/.exec(location.hash);
    if (m) {
      secrets = false;
      open(m[1]);
      $('flow-detail').scrollIntoView({block: 'nearest'});
    }
  }

  $('flow-secrets').addEventListener('click', function () {
    if (shown !== null) {
      secrets = !secrets;
      open(shown);
    }
  });
  window.addEventListener('hashchange', fromFragment);
  fromFragment();
  poll();
}());
