import 'server-only';
import { handleHealth } from '@/lib/http/status-handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleHealth;
