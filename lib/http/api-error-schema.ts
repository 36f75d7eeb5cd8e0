// The body of every refusal of the native API (ApiError.toResponse in api-error.ts) as a zod schema,
// for the OpenAPI document. Loose: an error may carry more fields than these.

import { z } from 'zod';
import type { RejectionReason } from '../core/errors';
import { REASON_STATUS } from './reasons';

export const apiErrorBodySchema = z
  .looseObject({
    ErrorString: z.string().meta({ description: 'What went wrong, in words safe to show.' }),
    // REASON_STATUS names every reason (its type says so).
    Reason: z
      .enum(Object.keys(REASON_STATUS) as [RejectionReason, ...RejectionReason[]])
      .optional()
      .meta({ description: "The core's reason for a refusal, where it has one." }),
    Languages: z
      .array(z.string())
      .optional()
      .meta({ description: 'With Reason unknown_language: the languages there are.' }),
  })
  .meta({ description: 'A refusal: the HTTP status says what kind; 429 and 503 come with Retry-After.' });
