import 'server-only';
import { methodNotAllowed } from '@/lib/http/json-errors';
import { handleCluster } from '@/lib/http/status-handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleCluster;
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
