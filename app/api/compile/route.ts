import 'server-only';
import { handleCompile, handlePreflight, handleWrongMethod } from '@/lib/http/compile-handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = handleCompile;
export const OPTIONS = handlePreflight;
export const GET = handleWrongMethod;
export const PUT = handleWrongMethod;
export const PATCH = handleWrongMethod;
export const DELETE = handleWrongMethod;
