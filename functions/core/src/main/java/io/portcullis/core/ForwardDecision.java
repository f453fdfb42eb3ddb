package io.portcullis.core;

/** What to do with a request for a route: forward it by a plan, or refuse it. */
public sealed interface ForwardDecision permits ForwardingPlan, Rejection {
}
