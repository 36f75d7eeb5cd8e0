import 'server-only';
import { methodNotAllowed } from '@/lib/http/json-errors';
import { handleLanguages } from '@/lib/http/status-handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleLanguages;
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
