package io.sshdnetcon.rule;

import io.sshdnetcon.event.DeadLetter;

/**
 * One record of the exclusions control stream after validation: either an accepted set or the dead
 * letter explaining why the set was rejected.
 */
public record ExclusionUpdate(ExclusionSet set, DeadLetter rejected) {

    public static ExclusionUpdate accepted(ExclusionSet set) {
        return new ExclusionUpdate(set, null);
    }

    public static ExclusionUpdate rejected(DeadLetter letter) {
        return new ExclusionUpdate(null, letter);
    }
}
