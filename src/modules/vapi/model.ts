import { t } from "elysia";

const open = { additionalProperties: true } as const;

/** Vapi's server-message envelope, loosely: every message type shares `{message: {type}}`. */
export const ServerMessageBody = t.Object(
  {
    message: t.Object(
      {
        type: t.String({ maxLength: 80, examples: ["tool-calls", "end-of-call-report", "status-update"] }),
        call: t.Optional(t.Object({ id: t.Optional(t.String()) }, open)),
        toolCallList: t.Optional(t.Array(t.Unknown(), { maxItems: 50 })),
      },
      open,
    ),
  },
  { ...open, description: "A Vapi server message (tool-calls, end-of-call-report, status-update, …)" },
);

export const ToolCallResult = t.Object({
  toolCallId: t.String(),
  name: t.String(),
  result: t.Optional(t.String({ description: "Single line: a sentence to say, then compact JSON" })),
  error: t.Optional(t.String()),
});

export const WebhookResponse = t.Union([
  t.Object({ results: t.Array(ToolCallResult) }, { description: "tool-calls" }),
  t.Object({ result: t.String() }, { description: "legacy function-call" }),
  t.Object({ assistantId: t.String() }, { description: "assistant-request: the clinic's assistant" }),
  t.Object(
    { destination: t.Object({ type: t.Literal("number"), number: t.String() }), message: t.String() },
    { description: "transfer-destination-request: the clinic's front desk" },
  ),
  t.Object({ error: t.String() }, { description: "assistant-request or transfer-destination-request that cannot be served" }),
  t.Object({}, { description: "every other message type" }),
]);

export type ToolCallResultValue = typeof ToolCallResult.static;
