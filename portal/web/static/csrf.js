// Sends the page's CSRF token (from <meta name="csrf-token">) with every htmx request
// in the X-CSRFToken header: the server refuses unsafe methods (POST, PUT, PATCH,
// DELETE) without it. Plain forms carry the token in a hidden field instead.
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });
})();
