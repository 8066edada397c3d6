/**
 * A deterministic Elastic Defend fleet: NDJSON corpora for testing the detection of rule
 * 63431796-f813-43af-820b-492ee2efec8e ("Network Connection Initiated by SSHD Child Process").
 *
 * <p>{@link io.sshdnetcon.fleet.FleetGenerator} writes the corpus and returns a {@link
 * io.sshdnetcon.fleet.FleetReport} with the ground truth: each {@link
 * io.sshdnetcon.fleet.PlantedAttack} names the exec and connection {@code event.id}s that must
 * pair, each {@link io.sshdnetcon.fleet.PlantedNearMiss} the connection that must not alert. Noise
 * never alerts (see {@code NoiseActivities} for the invariant that keeps it so), so the expected
 * alerts of a corpus are exactly its planted attacks; the test oracle {@code
 * io.sshdnetcon.testing.ReferenceDetector} confirms this in {@code FleetGeneratorTest}.
 *
 * <p>Chaos (disorder, duplicates, malformed lines) is applied after the clean stream is built and
 * from its own random stream, so the events are byte-identical with or without it. Clock faults
 * ({@link io.sshdnetcon.fleet.ClockFaults}: skewed, delayed and stepping hosts, listed in the
 * report as {@link io.sshdnetcon.fleet.HostClock}s) make the shapes of "time is per host". Run it
 * with {@code scripts/generate-fleet.sh} or {@link io.sshdnetcon.fleet.FleetGeneratorMain}; {@code
 * --help} lists the options.
 */
package io.sshdnetcon.fleet;
