// The browsable API docs (/api/v1/docs/): Swagger UI on the schema, from the vendored bundle.
// Requests made from the page carry the session and, for writes, the CSRF token.
(function () {
  "use strict";
  var body = document.body;
  window.SwaggerUIBundle({
    url: body.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // no request leaves the intranet
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (req) {
      if (body.dataset.csrfToken) {
        req.headers["X-CSRFToken"] = body.dataset.csrfToken;
      }
      return req;
    },
  });
})();
