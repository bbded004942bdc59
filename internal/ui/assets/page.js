// page.js: the theme (light, dark, or the system's) before the page is drawn, and the buttons
// of the page's header. It runs in <head>, so it only reads the stored choice at once.
(function () {
  'use strict';
  var root = document.documentElement;
  try {
    var stored = localStorage.getItem('rawsts-theme');
    if (stored === 'light' || stored === 'dark') {
      root.setAttribute('data-theme', stored);
    }
  } catch (e) { /* storage may be off: follow the system */ }

  function current() {
    var t = root.getAttribute('data-theme');
    if (t) {
      return t;
    }
    return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  // data-scheme is the scheme in effect: the style sheet draws by it (and a test reads it).
  function mark() {
    root.setAttribute('data-scheme', current());
  }
  mark();
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', mark);

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.getElementById('theme');
    function label() {
      mark();
      var dark = current() === 'dark';
      button.textContent = dark ? 'light' : 'dark';
      button.setAttribute('aria-pressed', String(dark));
      button.title = dark ? 'switch to the light theme' : 'switch to the dark theme';
    }
    if (button) {
      label();
      button.addEventListener('click', function () {
        var next = current() === 'dark' ? 'light' : 'dark';
        root.setAttribute('data-theme', next);
        try { localStorage.setItem('rawsts-theme', next); } catch (e) { /* not kept */ }
        label();
      });
    }
    // The fragment belongs to the playground's cases, so the header's buttons scroll instead
    // of linking to #section.
    document.querySelectorAll('button.goto').forEach(function (b) {
      b.addEventListener('click', function () {
        var target = document.getElementById(b.getAttribute('data-target'));
        if (target) {
          target.scrollIntoView({behavior: 'smooth', block: 'start'});
        }
      });
    });
  });
}());
