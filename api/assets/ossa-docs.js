// Render /openapi.yaml with Swagger UI (served locally; no request leaves this host).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayOperationId: true,
    tryItOutEnabled: true,
    validatorUrl: null,
  });
});
