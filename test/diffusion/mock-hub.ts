/**
 * A local HTTP server that answers like the Hugging Face Hub for the endpoints Atelier's puller uses:
 * model revision info, paths-info, and resolve/ downloads with Range support, ETag / X-Linked-* headers and
 * X-Repo-Commit. Test double: lives in test/ only.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockFile {
  content: Buffer;
  /** Stored with Git LFS on the Hub (sha256 etag), else a regular git file (git blob sha1 etag). */
  lfs?: boolean;
  /** Serve these bytes instead of `content` (metadata still describes `content`): simulates corruption. */
  corruptWith?: Buffer;
}

export interface MockRepo {
  commit: string;
  files: Record<string, MockFile>;
  /** A gated/private repo: requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
}

export interface RequestLog {
  method: string;
  url: string;
  range?: string;
  auth?: string;
}

const gitBlobSha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export class MockHub {
  readonly log: RequestLog[] = [];
  private server?: Server;
  url = '';

  constructor(readonly repos: Record<string, MockRepo>) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.log.push({ method: req.method ?? '', url: req.url ?? '', range: req.headers.range, auth: req.headers.authorization });
      void this.handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, headers);
        res.end(body);
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  downloads(): RequestLog[] {
    return this.log.filter((l) => l.url.includes('/resolve/') && l.range !== 'bytes=0-0');
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body?: string | Buffer }> {
    const url = new URL(req.url ?? '/', 'http://x');
    const gated = Object.entries(this.repos).find(([name, r]) => r.token && url.pathname.includes(`/${name}/`));
    if (gated && req.headers.authorization !== `Bearer ${gated[1].token}`) {
      return { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"Access to this repo is restricted"}' };
    }
    const json = (status: number, value: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    const notFound = { status: 404, headers: { 'x-error-code': 'EntryNotFound', 'content-type': 'application/json' }, body: '{"error":"not found"}' };
    let m = url.pathname.match(/^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/);
    if (m && req.method === 'GET') {
      const repo = this.repos[m[1]];
      if (!repo) return json(404, { error: 'Repository not found' });
      return json(200, { _id: 'x', id: m[1], sha: repo.commit, private: false, downloads: 0, likes: 0, lastModified: '2026-01-01T00:00:00Z' });
    }
    m = url.pathname.match(/^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/);
    if (m && req.method === 'GET') {
      const repo = this.repos[m[1]];
      if (!repo) return json(404, { error: 'Repository not found' });
      const dirs = new Set(Object.keys(repo.files).filter((p) => p.includes('/')).map((p) => p.split('/')[0]));
      return json(200, [
        ...[...dirs].map((d) => ({ type: 'directory', path: d, oid: '0'.repeat(40), size: 0 })),
        ...Object.entries(repo.files).map(([p, f]) => ({ type: 'file', path: p, oid: gitBlobSha1(f.content), size: f.content.length })),
      ]);
    }
    m = url.pathname.match(/^\/api\/models\/([^/]+\/[^/]+)\/paths-info\/([^/]+)$/);
    if (m && req.method === 'POST') {
      const repo = this.repos[m[1]];
      if (!repo) return json(404, { error: 'Repository not found' });
      const body = JSON.parse(await readBody(req)) as { paths: string[] };
      return json(200, body.paths.filter((p) => repo.files[p]).map((p) => {
        const f = repo.files[p];
        return {
          type: 'file', path: p, size: f.lfs ? 134 : f.content.length, oid: gitBlobSha1(f.content),
          ...(f.lfs ? { lfs: { oid: sha256(f.content), size: f.content.length, pointerSize: 134 } } : {}),
        };
      }));
    }
    m = url.pathname.match(/^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      const repo = this.repos[m[1]];
      const file = repo?.files[decodeURIComponent(m[3])];
      if (!repo || !file) return notFound;
      const bytes = file.corruptWith ?? file.content;
      const etag = file.lfs ? sha256(file.content) : gitBlobSha1(file.content);
      const headers: Record<string, string> = {
        'x-repo-commit': repo.commit, etag: `"${etag}"`, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream',
      };
      if (file.lfs) {
        headers['x-linked-etag'] = `"${etag}"`;
        headers['x-linked-size'] = String(file.content.length);
      }
      const range = req.headers.range?.match(/^bytes=(\d+)-(\d*)$/);
      if (range) {
        const start = Number(range[1]);
        const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
        headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`;
        return { status: 206, headers, body: bytes.subarray(start, end + 1) };
      }
      return { status: 200, headers, body: bytes };
    }
    return json(404, { error: `mock hub: no route for ${req.method} ${url.pathname}` });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
