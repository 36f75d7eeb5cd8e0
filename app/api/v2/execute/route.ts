// Piston's POST /api/v2/execute (README: "Piston's API").
import 'server-only';
import { handlePreflight } from '@/lib/http/compile-handler';
import { handlePistonExecute, handlePistonWrongMethod } from '@/lib/http/piston-execute';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handlePistonExecute;
export const OPTIONS = handlePreflight;
export const GET = handlePistonWrongMethod('POST, OPTIONS');
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
