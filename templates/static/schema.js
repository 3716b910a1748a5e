// Starts Swagger UI on /schema. A file of its own: the site's Content-Security-Policy runs no inline
// script. The page names the document to show.
"use strict";

const root = document.getElementById("swagger-ui");
SwaggerUIBundle({
  url: root.dataset.document,
  domNode: root,
  deepLinking: true,
  // The validator's badge is an image from swagger.io, which the policy would refuse.
  validatorUrl: null,
});
