// Behaviour every page shares. A file, not inline script, so the Content-Security-Policy can forbid inline code.
(function () {
  'use strict';

  // The language picker switches on a choice, not on every arrow key: Chromium fires "change" while the arrow keys move
  // through a closed <select>, which reloaded the page under a keyboard user's fingers. Keyboard users confirm with Enter
  // (or leave the field); a mouse or touch choice switches at once.
  var select = document.getElementById('culture-select');
  if (select) {
    var byKeyboard = false;
    var initial = select.value;
    var submit = function () { if (select.value !== initial) select.form.submit(); };
    select.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); submit(); } else if (e.key.indexOf('Arrow') === 0 || e.key === 'Home' || e.key === 'End') byKeyboard = true;
    });
    select.addEventListener('change', function () { if (!byKeyboard) submit(); });
    select.addEventListener('blur', function () { if (byKeyboard) submit(); byKeyboard = false; });
    select.addEventListener('pointerdown', function () { byKeyboard = false; });
  }

  // After a refused submit the first flagged field gets the focus, so keyboard and screen-reader users land on it.
  var invalid = document.querySelector('main [aria-invalid="true"]');
  if (invalid && typeof invalid.focus === 'function') invalid.focus();

  // Buttons that print the page (receipts): an onclick attribute is inline script, which the policy refuses.
  document.querySelectorAll('[data-print]').forEach(function (b) { b.addEventListener('click', function () { window.print(); }); });

  // Widths computed on the server (progress bars) travel as data-width; setting them through the style
  // object is allowed by the policy, a style="" attribute is not.
  document.querySelectorAll('[data-width]').forEach(function (el) { el.style.width = el.dataset.width + '%'; });
})();
