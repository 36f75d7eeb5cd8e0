import 'server-only';
import { handleMetrics } from '@/lib/http/status-handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleMetrics;
