// Judge0 CE's API under /judge0 (README: "Judge0's API"): one handler routes every path below it.
import 'server-only';
import { handleJudge0 } from '@/lib/http/judge0-api';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleJudge0;
export const POST = handleJudge0;
export const DELETE = handleJudge0;
export const PUT = handleJudge0;
export const PATCH = handleJudge0;
export const OPTIONS = handleJudge0;
