import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built client and the offline base map. Any other non-API path gets index.html
 * (client-side routes), but a missing asset stays a 404 instead of becoming a page.
 */
export function staticRouter(clientDir: string): Router {
  const router = Router();
  // No directory redirects: `/m` is the responder's page (client route), not the folder of its
  // icons and manifest (`/m/…`); a redirect to `/m/` would also poison the page's offline copy.
  router.use(express.static(clientDir, { index: false, redirect: false, maxAge: '1h' }));
  router.get('/{*splat}', (req, res, next) => {
    if (req.path.startsWith('/api/') || req.path.startsWith('/assets/') || path.extname(req.path)) {
      next();
      return;
    }
    const index = path.join(clientDir, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The client is not built: run `npm run build` (npm start does it for you).');
      return;
    }
    res.sendFile(index);
  });
  return router;
}
