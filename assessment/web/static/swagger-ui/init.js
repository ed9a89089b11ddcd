// Starts Swagger UI on the API reference page. Kept in a file, not inline, so the page works
// under a Content-Security-Policy without 'unsafe-inline'.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    validatorUrl: null, // never send the document to an outside validator
    presets: [window.SwaggerUIBundle.presets.apis],
  });
});
