import { UnprocessableError } from "@checkout/http";

// Refusals of the pricing rules. They are 422s naming the request field they are about
// (`promoCode`, `address.country`, `address.region`), mapped to problem+json by the shared onError.

export type PromoRejection = "unknown" | "inactive" | "expired" | "currency_mismatch" | "minimum_not_met";

export class PromoCodeRejected extends UnprocessableError {
  constructor(
    readonly reason: PromoRejection,
    message: string,
  ) {
    super(`promo_code_${reason}`, message, [{ field: "promoCode", message }]);
    this.name = "PromoCodeRejected";
  }
}

export class DestinationNotServed extends UnprocessableError {
  constructor(country: string) {
    const message = `we do not ship to ${country}`;
    super("destination_not_served", message, [{ field: "address.country", message }]);
    this.name = "DestinationNotServed";
  }
}

export class RegionMismatch extends UnprocessableError {
  constructor(region: string, country: string) {
    const message = `region ${region} is not in country ${country}`;
    super("region_mismatch", message, [{ field: "address.region", message }]);
    this.name = "RegionMismatch";
  }
}
