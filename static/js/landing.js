// Public landing pages: a form is sent once, even when its button is clicked twice.
(function () {
  "use strict";
  document.querySelectorAll("form.lp-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
})();
