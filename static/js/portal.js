// Behaviour shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Progress bars take their width from data-width (inline styles are not allowed).
  document.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0)) + "%";
  });

  // Copy buttons: copy the text of the element named by data-copy-target.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".copy-button");
    if (!button) return;
    var source = document.getElementById(button.dataset.copyTarget);
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.classList.add("btn-success");
      setTimeout(function () { button.textContent = label; button.classList.remove("btn-success"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(source); done(); });
    } else {
      fallbackCopy(source);
      done();
    }
  });

  function fallbackCopy(source) {
    if (source.select) {
      source.classList.remove("visually-hidden");
      source.select();
      document.execCommand("copy");
      source.classList.add("visually-hidden");
    }
  }

  // Buttons with data-confirm ask first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
})();
