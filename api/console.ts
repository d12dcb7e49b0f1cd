import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

export const CONSOLE_DIST = path.resolve(__dirname, '..', 'console', 'dist');

/** Paths the console never answers, even for a browser asking for HTML: the API and the service's own documents. */
const NOT_CONSOLE = /^\/(v1|docs|openapi\.json|healthz|readyz)(\/|$)/i;

/**
 * The web console (console/, built into console/dist) at `/`: hashed files under /assets are
 * cached for a year, index.html is revalidated every time, and any other GET a browser makes for
 * a page (Accept: text/html) gets index.html so the console's own routes survive a reload. It is
 * mounted after the API and the documents, and refuses their prefixes, so it never shadows them.
 */
export function mountConsole(app: Express, meter: RequestHandler, dist = CONSOLE_DIST): void {
  const index = path.join(dist, 'index.html');
  app.use(
    '/assets',
    meter,
    express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: true }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      NOT_CONSOLE.test(req.path) ||
      req.path.startsWith('/assets/')
    )
      return next();
    const wantsPage = req.path === '/' ? req.accepts('html') !== false : req.accepts(['json', 'html']) === 'html';
    if (!wantsPage) return next();
    meter(req, res, (refused?: unknown) => {
      if (refused) return next(refused);
      if (!existsSync(index)) {
        res
          .status(503)
          .type('text')
          .send('The web console is not built: run `npm run build:console` (npm install and npm start do it).');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  });
}
