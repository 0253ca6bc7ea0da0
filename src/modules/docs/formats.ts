// The OpenAPI plugin is imported first: on import it registers TypeBox checks for the string formats,
// replacing the ones Elysia registered. This module then puts back fast checks for the formats the
// gateway's own schemas use.
import "@elysiajs/openapi";
import { FormatRegistry } from "@sinclair/typebox";

/**
 * `YYYY-MM-DD`, a day that exists (leap years included): the check the plugin registers for `date`,
 * with the same pattern. Its registered check builds a new schema object on every call, and every
 * patient in an answer carries a date of birth checked against this format.
 */
const CALENDAR_DATE =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))$/;

/** The plugin's pattern for `email`, likewise. */
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

FormatRegistry.Set("date", (value) => CALENDAR_DATE.test(value));
FormatRegistry.Set("email", (value) => EMAIL.test(value));
