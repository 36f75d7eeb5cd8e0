import 'server-only';
import { handleStats } from '@/lib/http/status-handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleStats;
