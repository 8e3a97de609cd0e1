// Starts Swagger UI with the settings the page holds in #swagger-ui-config (a JSON block, not a
// script, so a Content-Security-Policy needs no 'unsafe-inline' for the page).
"use strict";
(function () {
  var config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.layout = "BaseLayout";
  window.ui = SwaggerUIBundle(config);
})();
