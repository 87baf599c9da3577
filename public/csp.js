/* Strict-CSP test page (csp.html): collect every Content-Security-Policy / Trusted Types violation
 * in window.__violations before the widget loads, then embed the widget exactly as the demo page does.
 * This file runs before inject.js (parser order), so it must not define botpressWebChat itself. */
(function () {
  'use strict';
  var violations = (window.__violations = []);
  document.addEventListener(
    'securitypolicyviolation',
    function (e) {
      violations.push({
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        source: e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber,
      });
    },
    true
  );
  document.addEventListener('DOMContentLoaded', function () {
    window.botpressWebChat.init({ host: location.origin, botId: 'welcome-bot' });
  });
})();
