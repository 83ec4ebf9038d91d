import { expect } from 'chai';
import SwaggerParser from '@apidevtools/swagger-parser';
import { systemClock } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { restRouter } from '@hlmon/api';
import { startHarness, type Harness } from './v1-harness.js';

describe('openapi: the document of the REST API', function () {
  this.timeout(60_000);
  let h: Harness;
  let doc: any;
  before(async () => {
    h = await startHarness();
    doc = (await h.agent().get('/api/v1/openapi.json').expect(200)).body;
  });
  after(async () => { await h?.close(); });

  it('is served without credentials', async () => {
    expect(doc.openapi).to.equal('3.0.3');
  });

  it('validates as OpenAPI 3 with swagger-parser', async () => {
    await SwaggerParser.validate(structuredClone(doc));
  });

  it('lists every route of the v1 routers and of the hosts router with its method', () => {
    const storage = new MemoryStorage();
    const rest = restRouter({ engine: new Engine({ querier: storage, clock: systemClock }), querier: storage, clock: systemClock });
    const missing: string[] = [];
    for (const router of [...h.api.routers, rest]) {
      for (const layer of router.stack) {
        for (const method of layer.methods.filter((m) => m !== 'HEAD')) {
          const p = String(layer.path).replace(/:(\w+)/g, '{$1}');
          if (!doc.paths[p]?.[method.toLowerCase()]) missing.push(`${method} ${layer.path}`);
        }
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('names the role each operation needs', () => {
    expect(doc.paths['/api/v1/users'].post['x-hlmon-role']).to.equal('admin');
    expect(doc.paths['/api/v1/silences'].post['x-hlmon-role']).to.equal('editor');
    expect(doc.paths['/api/v1/checks'].get['x-hlmon-role']).to.equal('viewer');
  });

  it('describes request bodies from the same schemas that validate them', () => {
    const schema = doc.paths['/api/v1/keys'].post.requestBody.content['application/json'].schema;
    expect(schema.required).to.have.members(['name', 'role']);
    expect(schema.properties.role.enum).to.deep.equal(['viewer', 'editor', 'admin']);
    expect(schema.additionalProperties).to.equal(false);
  });

  it('serves a human-readable docs page', async () => {
    const res = await h.agent().get('/api/v1/docs').expect(200);
    expect(res.headers['content-type']).to.include('text/html');
    expect(res.text).to.include('POST /api/v1/keys');
  });
});
