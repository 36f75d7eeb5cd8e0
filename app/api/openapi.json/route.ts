// GET /api/openapi.json: the OpenAPI 3.1 document of the API (lib/http/openapi.ts).
import 'server-only';
import { methodNotAllowed } from '@/lib/http/json-errors';
import { handleOpenApi } from '@/lib/http/openapi';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleOpenApi;
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
