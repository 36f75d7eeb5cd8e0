// /api itself and any path under it that no route serves: a JSON 404, never Next's HTML page.
import 'server-only';
import { notFound } from '@/lib/http/json-errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
