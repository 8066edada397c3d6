package io.sshdnetcon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.sshdnetcon.event.layeringfixture.EventImportingTheJob;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of README's package map: a package may use only the packages below it. The
 * adapters ({@code file}, {@code kafka}, {@code elasticsearch}) share a level and never use each
 * other; {@code fleet}, the traffic generator, uses none of the others.
 */
class ArchitectureTest {

    private static final String ROOT = "io.sshdnetcon";

    /** Bottom to top; packages on one level may not use each other. */
    private static final List<List<String>> LEVELS =
            List.of(
                    List.of("metrics"),
                    List.of("event"),
                    List.of("rule"),
                    List.of("parse"),
                    List.of("detect"),
                    List.of("file", "kafka", "elasticsearch"),
                    List.of("job"),
                    List.of("tools"));

    private static final String STANDALONE = "fleet";

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(ROOT);
    }

    @Test
    void everyPackageHasAPlaceInTheLayering() {
        Set<String> placed = new TreeSet<>(List.of(STANDALONE));
        LEVELS.forEach(placed::addAll);
        Set<String> found = new TreeSet<>();
        for (JavaClass c : production) {
            found.add(topLevelPackage(c));
        }
        assertThat(found).isSubsetOf(placed);
        assertThat(found).containsAll(placed);
    }

    @Test
    void noPackageUsesOneAboveItOrBesideIt() {
        for (ArchRule rule : rules()) {
            rule.check(production);
        }
    }

    /** The rules can fail: a class of {@code event} that uses {@code job} breaks them. */
    @Test
    void aDependencyUpwardsIsReported() {
        JavaClasses violating = new ClassFileImporter().importClasses(EventImportingTheJob.class);
        assertThatThrownBy(
                        () -> {
                            for (ArchRule rule : rules()) {
                                rule.check(violating);
                            }
                        })
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("io.sshdnetcon.job");
    }

    private static List<ArchRule> rules() {
        List<ArchRule> rules = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>();
        LEVELS.forEach(all::addAll);
        all.add(STANDALONE);
        for (int level = 0; level < LEVELS.size(); level++) {
            Set<String> allowed = new LinkedHashSet<>();
            for (int below = 0; below < level; below++) {
                allowed.addAll(LEVELS.get(below));
            }
            for (String pkg : LEVELS.get(level)) {
                Set<String> forbidden = new LinkedHashSet<>(all);
                forbidden.removeAll(allowed);
                forbidden.remove(pkg);
                rules.add(usesNoneOf(pkg, forbidden));
            }
        }
        Set<String> others = new LinkedHashSet<>(all);
        others.remove(STANDALONE);
        rules.add(usesNoneOf(STANDALONE, others));
        return rules;
    }

    private static ArchRule usesNoneOf(String pkg, Set<String> forbidden) {
        String[] patterns =
                forbidden.stream().map(p -> ROOT + "." + p + "..").toArray(String[]::new);
        return noClasses()
                .that()
                .resideInAPackage(ROOT + "." + pkg + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(patterns)
                .because(pkg + " may use only the packages below it (README, package map)")
                .allowEmptyShould(true);
    }

    private static String topLevelPackage(JavaClass c) {
        String rest = c.getPackageName().substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
