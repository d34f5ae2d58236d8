// Stripe list envelopes with cursor pagination (limit, starting_after, ending_before).
import { resourceMissing } from "./errors.ts";
import type { FormObject } from "./form.ts";
import type { StripeList } from "./objects.ts";
import { readLimit, readString } from "./params.ts";

export function paginate<T extends { id: string }>(newestFirst: T[], params: FormObject, url: string): StripeList<T> {
  const limit = readLimit(params);
  const startingAfter = readString(params, "starting_after");
  const endingBefore = readString(params, "ending_before");
  const cursor = startingAfter ?? endingBefore;
  if (cursor === undefined) return { object: "list", data: newestFirst.slice(0, limit), has_more: newestFirst.length > limit, url };

  const index = newestFirst.findIndex((item) => item.id === cursor);
  if (index < 0) throw resourceMissing("object", cursor, startingAfter ? "starting_after" : "ending_before");
  if (startingAfter !== undefined) {
    const rest = newestFirst.slice(index + 1);
    return { object: "list", data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  const before = newestFirst.slice(0, index);
  return { object: "list", data: before.slice(-limit), has_more: before.length > limit, url };
}
