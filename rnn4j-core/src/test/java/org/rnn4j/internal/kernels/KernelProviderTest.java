package org.rnn4j.internal.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The start-up choice of {@link KernelProvider}. The choice is made once, in a static initialiser, so
 * each case loads a fresh copy of the kernels package in its own class loader with the system
 * property set, instead of spawning a JVM. (Not covered here: forcing {@code vector} on a JVM started
 * without {@code --add-modules jdk.incubator.vector}, which needs a second JVM.)
 */
class KernelProviderTest {

  private static final String PACKAGE = KernelProvider.class.getPackageName() + ".";

  /** Defines the kernels package anew (child first); everything else comes from the parent. */
  private static final class FreshKernelsLoader extends ClassLoader {
    FreshKernelsLoader() {
      super(KernelProviderTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(PACKAGE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String res = name.replace('.', '/') + ".class";
          try (InputStream in = getParent().getResourceAsStream(res)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            c = defineClass(name, bytes, 0, bytes.length);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  /** Initialises a fresh KernelProvider with {@code -Drnn4j.kernels=value} and returns get().name(). */
  private static String chooseWith(String value) throws Exception {
    KernelProvider.get(); // the real provider is chosen before the property changes
    String old = System.getProperty(KernelProvider.PROPERTY);
    System.setProperty(KernelProvider.PROPERTY, value);
    try {
      ClassLoader loader = new FreshKernelsLoader();
      Class<?> fresh = Class.forName(KernelProvider.class.getName(), true, loader);
      Object kernels = fresh.getMethod("get").invoke(null);
      // through the (public) interface: the implementations are package-private
      return (String) Class.forName(Kernels.class.getName(), false, loader).getMethod("name").invoke(kernels);
    } finally {
      if (old == null) {
        System.clearProperty(KernelProvider.PROPERTY);
      } else {
        System.setProperty(KernelProvider.PROPERTY, old);
      }
    }
  }

  @Test
  void aBadProviderNameFailsAtStartUpNamingThePropertyAndTheValue() {
    assertThatThrownBy(() -> chooseWith("fast"))
        .isInstanceOf(ExceptionInInitializerError.class)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rnn4j.kernels: expected 'scalar' or 'vector', got 'fast'");
  }

  @Test
  void forcedProvidersAreHonoured() throws Exception {
    assertThat(chooseWith("scalar")).isEqualTo("scalar");
    assertThat(chooseWith(" Vector ")).startsWith("vector(");
  }

  @Test
  void surefireRunsWithTheVectorApiSoTheDefaultIsTheVectorProvider() {
    // The build passes --add-modules jdk.incubator.vector: the fast path must be what tests exercise.
    assertThat(KernelProvider.vectorUnavailableReason()).isNull();
    assertThat(KernelProvider.get().name()).startsWith("vector(");
    assertThat(KernelProvider.vector().name()).isEqualTo(KernelProvider.get().name());
    assertThat(KernelProvider.scalar().name()).isEqualTo("scalar");
  }
}
