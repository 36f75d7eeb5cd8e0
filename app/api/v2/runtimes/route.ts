// Piston's GET /api/v2/runtimes (README: "Piston's API").
import 'server-only';
import { handlePistonRuntimes, handlePistonWrongMethod } from '@/lib/http/piston-execute';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handlePistonRuntimes;
export const POST = handlePistonWrongMethod('GET');
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
export const OPTIONS = POST;
