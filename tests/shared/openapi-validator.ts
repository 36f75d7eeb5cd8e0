// Validates values against the schemas of an OpenAPI 3.1 document (lib/http/openapi.ts) with ajv's
// JSON Schema 2020-12 build, $refs between the document's schemas resolved in the document itself.
// Shared by the document's unit test and the integration test that checks the server's real answers.

import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
export interface Operation {
  operationId?: string;
  responses: Record<string, { description: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
  requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> };
}

const DOC_ID = 'https://webcompile.test/openapi.json';
/** The document's own fields around the schemas: not JSON Schema keywords, for ajv to pass over. */
const OPENAPI_FIELDS = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'tags', 'paths', 'components', 'webhooks'];

export interface Verdict {
  valid: boolean;
  /** ajv's errors, one a line, for an assertion's message. */
  errors: string;
}

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');

export function documentValidator(doc: OpenApiDocument) {
  // Strict: a keyword ajv does not know in a schema is an error, not silently nothing.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addVocabulary(OPENAPI_FIELDS);
  ajv.addSchema({ ...doc, $id: DOC_ID });

  /** Validates `value` against a schema of the document (a $ref, or a schema written in the document). */
  const validate = (schema: Record<string, unknown>, value: unknown): Verdict => {
    const check = ajv.compile(typeof schema.$ref === 'string' ? { $ref: `${DOC_ID}${schema.$ref}` } : schema);
    const valid = check(value) as boolean;
    return { valid, errors: describeErrors(check.errors) };
  };

  return {
    validate,
    /** The schema the document gives an answer of `method path` with `status`, in `mediaType`. */
    responseSchema(path: string, method: string, status: number, mediaType = 'application/json') {
      const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.[mediaType]?.schema;
      if (!schema) throw new Error(`the document has no ${mediaType} answer for ${method} ${path} ${status}`);
      return schema;
    },
    /** Compiles every component schema: each must be valid JSON Schema 2020-12. */
    compileAll(): void {
      for (const name of Object.keys(doc.components.schemas)) {
        ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${name}` });
      }
    },
  };
}
