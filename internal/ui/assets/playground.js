// playground.js draws what /api/playground answers. It computes nothing: the server runs
// rawsts diagnose's code and sends JSON; this file only turns it into elements, with DOM calls
// and textContent (never HTML from a string). A link's fragment (#claims=…&policy=…) is sent
// to the server as it is, which decodes it.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var form = $('pg-form');
  if (!form) {
    return;
  }
  var fields = {input: $('pg-input'), policy: $('pg-policy'), providers: $('pg-providers'),
    role: $('pg-role'), at: $('pg-at'), session: $('pg-session')};

  // el builds an element: attrs are attributes (class, data-*, title…), children are nodes or
  // strings (text).
  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== '') {
        e.setAttribute(k, attrs[k]);
      }
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) {
        continue;
      }
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    return node;
  }

  // The words of rawsts diagnose's checklist for each status.
  var marks = {pass: 'ok', fail: 'FAIL', warn: 'warn', skip: 'skip', unknown: '??', assumed: 'ok*'};

  function showError(msg) {
    var p = $('pg-error');
    p.textContent = msg;
    p.hidden = !msg;
  }

  function post(body) {
    return fetch('/api/playground', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-Rawsts-Request': 'playground'},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { /* a refusal is plain text */ }
        if (!r.ok) {
          var msg = data && data.error ? data.error.field + ': ' + data.error.message : text.trim();
          throw new Error(msg || ('HTTP ' + r.status));
        }
        return data;
      });
    });
  }

  function run(body) {
    showError('');
    document.body.setAttribute('data-state', 'running');
    return post(body).then(function (res) {
      if (res.inputs) {
        Object.keys(fields).forEach(function (k) { fields[k].value = res.inputs[k] || ''; });
      }
      render(res);
      document.body.setAttribute('data-state', 'done');
    }).catch(function (err) {
      showError(err.message);
      document.body.setAttribute('data-state', 'error');
    });
  }

  function render(res) {
    $('pg-result').hidden = false;
    renderVerdict(res);
    renderChecks(res.report.checks);
    renderPolicy(res.policy);
    renderSuggestion(res.report.suggestion, res.corrected);
    renderToken(res.token, res.at);
    var link = $('pg-link');
    link.value = res.link.length > 1 ? location.origin + location.pathname + res.link : '';
    $('pg-copy').disabled = !link.value;
  }

  function renderVerdict(res) {
    var v = $('pg-verdict');
    var verdict = res.report.verdict;
    clear(v);
    v.className = 'verdict v-' + verdict;
    v.setAttribute('data-verdict', verdict);
    v.appendChild(el('span', {class: 'label'}, 'verdict'));
    v.appendChild(el('strong', {id: 'pg-line'}, res.line));
    var s = res.report.suggestion;
    if (s && s.rerun) {
      v.appendChild(el('span', {class: 'rerun', 'data-verdict': s.rerun.verdict},
        'with the suggested fix: ' + s.rerun.line));
    }
    v.appendChild(el('span', {class: 'at'}, 'evaluated at ' + res.at));
  }

  function renderChecks(checks) {
    var table = el('table', {class: 'checks'});
    checks.forEach(function (c) {
      var detail = el('td', {class: 'detail'}, el('div', {}, c.detail));
      if (c.assumption) {
        detail.appendChild(el('div', {class: 'assumed'}, 'assumed: ' + c.assumption));
      }
      if ((c.status === 'fail' || c.status === 'unknown') && c.evidence) {
        var ul = el('ul', {class: 'evidence'});
        c.evidence.forEach(function (e) { ul.appendChild(el('li', {}, e)); });
        detail.appendChild(ul);
      }
      if (c.fix && (c.status === 'fail' || c.status === 'unknown' || c.status === 'warn')) {
        detail.appendChild(el('div', {class: 'fix'}, el('span', {class: 'label'}, 'fix'), ' ' + c.fix));
      }
      table.appendChild(el('tr', {class: 'st-' + c.status, 'data-check': c.name, 'data-status': c.status},
        el('td', {class: 'mark'}, marks[c.status] || c.status),
        el('td', {class: 'name'}, c.name),
        detail));
    });
    clear($('pg-checks')).appendChild(table);
  }

  function renderPolicy(p) {
    var pre = clear($('pg-policy-text'));
    var note = $('pg-policy-note');
    note.hidden = true;
    if (!p) {
      pre.appendChild(document.createTextNode('(no trust policy given)'));
      return;
    }
    var words = [];
    if (p.decoded) {
      words.push('Shown as decoded: ' + p.decoded + '.');
    }
    if (p.problem) {
      words.push('Nothing is marked: ' + p.problem + '.');
    }
    if (words.length) {
      note.textContent = words.join(' ');
      note.hidden = false;
    }
    p.segments.forEach(function (s) {
      if (!s.mark) {
        pre.appendChild(document.createTextNode(s.text));
        return;
      }
      pre.appendChild(el('mark', {class: 'hl hl-' + s.mark, 'data-check': s.check, title: s.title}, s.text));
    });
  }

  function list(title, cls, items) {
    if (!items || !items.length) {
      return null;
    }
    var ul = el('ul', {class: cls});
    items.forEach(function (i) { ul.appendChild(el('li', {}, i)); });
    return el('div', {class: 'sug-part'}, el('h4', {}, title), ul);
  }

  function renderSuggestion(s, corrected) {
    var box = clear($('pg-suggestion'));
    if (!s) {
      return;
    }
    if (!s.edits.length && !s.outside.length && !s.blocked.length) {
      box.appendChild(el('p', {class: 'note'}, 'Nothing to change: no check fails.'));
      return;
    }
    if (!s.edits.length && !s.outside.length) {
      box.appendChild(el('p', {class: 'note'}, 'No edit of the trust policy or the OIDC providers admits this token.'));
    }
    [list('Edits', 'edits', s.edits), list('Outside the policy', 'outside', s.outside),
      list('What no edit fixes', 'blocked', s.blocked), list('Notes', 'notes', s.notes)]
      .forEach(function (part) { if (part) { box.appendChild(part); } });
    if (s.diff) {
      var diff = el('pre', {class: 'code diff', id: 'pg-diff'});
      s.diff.split('\n').forEach(function (line, i, all) {
        if (i === all.length - 1 && line === '') {
          return;
        }
        var kind = {'+': 'add', '-': 'del', '@': 'hunk'}[line.charAt(0)] || 'ctx';
        if (line.indexOf('+++') === 0 || line.indexOf('---') === 0) {
          kind = 'file';
        }
        diff.appendChild(el('span', {class: 'd-' + kind}, line + '\n'));
      });
      box.appendChild(el('div', {class: 'sug-part'}, el('h4', {}, 'Diff'), diff));
    }
    if (corrected) {
      box.appendChild(el('div', {class: 'sug-part'}, el('h4', {}, 'The corrected trust policy'),
        el('pre', {class: 'code', id: 'pg-corrected'}, corrected)));
    }
  }

  function table(rows, cls) {
    var t = el('table', {class: cls});
    rows.forEach(function (r) { t.appendChild(r); });
    return t;
  }

  function renderToken(t, at) {
    var box = clear($('pg-token'));
    $('pg-token-title').textContent = t.kind === 'claims' ? 'Claims (no token given)' : 'Token';
    if (t.header && t.header.length) {
      box.appendChild(el('h4', {}, 'Header'));
      var rows = t.header.map(function (h) {
        return el('tr', {}, el('th', {}, h.name), el('td', {}, h.value));
      });
      rows.push(el('tr', {}, el('th', {}, 'signature'), el('td', {}, t.signature)));
      rows.push(el('tr', {}, el('th', {}, 'length'), el('td', {}, t.length + ' characters (STS accepts at most 20000)')));
      box.appendChild(table(rows, 'kv'));
    }
    if (t.claims && t.claims.length) {
      box.appendChild(el('h4', {}, 'Claims (times in UTC, relative to ' + at + ')'));
      box.appendChild(table(t.claims.map(function (c) {
        var value = el('td', {}, c.value);
        if (c.time) {
          value = el('td', {}, el('span', {class: 'time'}, c.time), ' ', el('span', {class: 'relative'}, '(' + c.relative + ')'));
        }
        return el('tr', {'data-claim': c.name}, el('th', {}, c.name), value);
      }), 'kv claims'));
    }
    box.appendChild(el('h4', {}, 'Findings'));
    if (!t.findings.length) {
      box.appendChild(el('p', {class: 'note'}, 'none'));
    } else {
      var ul = el('ul', {class: 'findings'});
      t.findings.forEach(function (f) {
        ul.appendChild(el('li', {class: 'sev-' + f.severity, 'data-code': f.code},
          el('span', {class: 'sev'}, f.severity), ' ', el('code', {}, f.code), ' ', f.message));
      });
      box.appendChild(ul);
    }
    // trustpolicy.TokenKeys: the keys STS provides (or may: assumed, disputed) with this
    // token's values, and the claims that are no key at all.
    var keys = t.condition_keys.filter(function (k) { return k.values.length && k.status !== 'not provided'; });
    if (keys.length) {
      box.appendChild(el('h4', {}, 'Condition keys STS provides for this token'));
      box.appendChild(table(keys.map(function (k) {
        return el('tr', {'data-status': k.status, title: k.note}, el('th', {}, k.key),
          el('td', {}, k.values.join(', ') + (k.status === 'provided' ? '' : ' (' + k.status + ')')));
      }), 'kv keys'));
    }
    var notKeys = t.condition_keys.filter(function (k) { return k.status === 'not provided'; })
      .map(function (k) { return k.claim || k.key; });
    if (notKeys.length) {
      box.appendChild(el('p', {class: 'note'}, 'Not condition keys (STS provides none for these claims, so a condition on ISSUER:CLAIM never matches): ' + notKeys.join(', ')));
    }
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {};
    Object.keys(fields).forEach(function (k) { body[k] = fields[k].value; });
    run(body);
  });

  $('pg-copy').addEventListener('click', function () {
    var link = $('pg-link');
    link.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(link.value).catch(function () { /* selected for Ctrl-C */ });
    }
  });

  // A case opened from a link: #claims=…&policy=… (anything else in the fragment is not one).
  function fromFragment() {
    var frag = location.hash.slice(1);
    if (frag.indexOf('=') > 0) {
      run({fragment: frag});
    }
  }
  window.addEventListener('hashchange', fromFragment);
  fromFragment();
}());
