/** Ingest: clusters and manifest files to fenceline.events. */
package io.fenceline.ingest;
