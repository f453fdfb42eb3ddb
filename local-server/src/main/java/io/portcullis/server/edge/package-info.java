/**
 * The gateway's own HTTP/1.1 server: a listener that keeps accepting whatever happens (a full descriptor table
 * only slows it down), a bounded number of client connections each on a virtual thread, strict reading of every
 * request ({@link io.portcullis.infra.http1}), deadlines on every phase of a connection kept by one watchdog, and
 * answers framed by the server itself. What a request means is the {@link io.portcullis.server.edge.EdgeHandler}'s
 * business.
 */
package io.portcullis.server.edge;
