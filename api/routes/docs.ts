import { createHash } from 'node:crypto';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Pasban API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

export const DOC_PATHS = ['/openapi.json', '/docs', '/docs/init.js'];

/**
 * `/openapi.json` and a Swagger UI page at `/docs`, served from the npm package (no CDN), each
 * request metered per client address. The document is serialised once, with an ETag, so a
 * client that has it gets a 304 instead of the whole document again.
 */
export function mountDocs(app: Express, openApi: Record<string, unknown>, meter: RequestHandler): void {
  const document = JSON.stringify(openApi);
  const etag = `"${createHash('sha256').update(document).digest('base64url').slice(0, 27)}"`;
  app.get('/openapi.json', meter, (req, res) => {
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=300');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(document);
  });
  app.get('/docs', meter, (_req, res) => {
    res.type('html').send(page);
  });
  app.get('/docs/init.js', meter, (_req, res) => {
    res.type('application/javascript').send("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });");
  });
  app.use('/docs/assets', meter, express.static(swaggerDir, { index: false }));
}
