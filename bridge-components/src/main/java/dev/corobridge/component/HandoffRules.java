// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import dev.corobridge.internal.Checks;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How values are prepared before they cross to another thread. Immutable: {@link #with} and
 * {@link #unsafe} return new rules.
 *
 * <p>For a value, in this order: a {@link ThreadHandoff} value gives its own copy; else the most
 * recently added rule whose type matches copies it; else a {@code List}, {@code Set} or {@code Map} is
 * copied into an unmodifiable snapshot and an {@code Object[]} is cloned; else a record is handed off
 * component by component (and rebuilt if any component was copied); else a value of a type known to
 * be unsafe is refused with {@link UnsafeHandoffException}; else it is shared as it is (immutable
 * values, thread-safe services). Known unsafe by default:
 * {@code java.sql.Connection}, {@code java.sql.Statement}, {@code java.sql.ResultSet},
 * {@code java.util.Iterator}, {@code java.util.Scanner}, {@code java.util.regex.Matcher},
 * {@code java.io.InputStream}, {@code java.io.OutputStream}, {@code java.io.Reader},
 * {@code java.io.Writer}, {@code java.text.Format} (date and number formats),
 * {@code java.lang.StringBuilder}, {@code java.nio.Buffer}.
 *
 * <pre>{@code
 * HandoffRules rules = HandoffRules.defaults()
 *     .with(DuckDBConnection.class, connection -> duplicate(connection));  // each thread its own connection
 * }</pre>
 */
public final class HandoffRules {
  private static final List<String> UNSAFE_BY_DEFAULT = List.of(
      "java.sql.Connection", "java.sql.Statement", "java.sql.ResultSet", "java.util.Iterator", "java.util.Scanner",
      "java.util.regex.Matcher", "java.io.InputStream", "java.io.OutputStream", "java.io.Reader", "java.io.Writer",
      "java.text.Format", "java.lang.StringBuilder", "java.nio.Buffer");

  private static final HandoffRules DEFAULTS = new HandoffRules(List.of(), defaultUnsafeTypes());

  private record Rule(Class<?> type, Function<Object, Object> copier) {}

  private final List<Rule> rules; // most recent first
  private final List<Class<?>> unsafe;

  private HandoffRules(List<Rule> rules, List<Class<?>> unsafe) {
    this.rules = rules;
    this.unsafe = unsafe;
  }

  /**
   * The default rules: collection snapshots and the documented list of unsafe types.
   *
   * @return the default rules
   */
  public static HandoffRules defaults() {
    return DEFAULTS;
  }

  private static List<Class<?>> defaultUnsafeTypes() {
    List<Class<?>> types = new ArrayList<>();
    for (String name : UNSAFE_BY_DEFAULT) {
      try {
        types.add(Class.forName(name, false, HandoffRules.class.getClassLoader()));
      } catch (ClassNotFoundException | LinkageError absent) {
        // java.sql is optional in a trimmed runtime: then nothing of it can be handed off either
      }
    }
    return List.copyOf(types);
  }

  /**
   * These rules plus one: values of {@code type} (and its subtypes) are copied by {@code copier}.
   *
   * @param <T> the type of the values
   * @param type the type whose values are copied
   * @param copier makes a copy for the receiving thread
   * @return the new rules
   */
  @SuppressWarnings("unchecked")
  public <T> HandoffRules with(Class<T> type, Function<? super T, ? extends T> copier) {
    Checks.notNull(type, "type");
    Checks.notNull(copier, "copier");
    List<Rule> more = new ArrayList<>(rules.size() + 1);
    more.add(new Rule(type, value -> copier.apply((T) value)));
    more.addAll(rules);
    return new HandoffRules(List.copyOf(more), unsafe);
  }

  /**
   * These rules, with values of {@code type} (and its subtypes) refused unless a rule copies them.
   *
   * @param type the type whose values may not be handed off
   * @return the new rules
   */
  public HandoffRules unsafe(Class<?> type) {
    Checks.notNull(type, "type");
    List<Class<?>> more = new ArrayList<>(unsafe);
    more.add(type);
    return new HandoffRules(rules, List.copyOf(more));
  }

  /**
   * Prepares {@code value} for another thread; close the result when the work on that thread ends
   * (it closes an {@code AutoCloseable} copy, never the original).
   *
   * @param <T> the type of the value
   * @param value the value to hand to another thread
   * @return the value to use there, to close when done with it
   * @throws UnsafeHandoffException if the value is of a type known to be unsafe and no rule copies it
   */
  @SuppressWarnings("unchecked")
  public <T extends @Nullable Object> Handed<T> handOff(T value) {
    List<AutoCloseable> copies = new ArrayList<>();
    try {
      T prepared = (T) prepare(value, copies);
      return new Handed<>(prepared, prepared != value, copies);
    } catch (RuntimeException | Error refused) {
      Handed.closeAll(copies, refused);
      throw refused;
    }
  }

  private Object prepare(Object value, List<AutoCloseable> copies) {
    if (value == null) return null;
    if (value instanceof ThreadHandoff<?> own) return copied(value, own.copyForThread(), copies);
    for (Rule rule : rules) {
      if (rule.type().isInstance(value)) return copied(value, rule.copier().apply(value), copies);
    }
    // Containers are snapshots whose elements are handed off one by one: an unsafe element is copied
    // by its rule or refused, never shared through the container.
    if (value instanceof List<?> list) {
      List<Object> snapshot = new ArrayList<>(list.size());
      for (Object element : list) snapshot.add(prepare(element, copies));
      return Collections.unmodifiableList(snapshot);
    }
    if (value instanceof Set<?> set) {
      Set<Object> snapshot = new LinkedHashSet<>();
      for (Object element : set) snapshot.add(prepare(element, copies));
      return Collections.unmodifiableSet(snapshot);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> snapshot = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) snapshot.put(prepare(entry.getKey(), copies), prepare(entry.getValue(), copies));
      return Collections.unmodifiableMap(snapshot);
    }
    if (value instanceof Object[] array) {
      Object[] snapshot = array.clone();
      for (int i = 0; i < snapshot.length; i++) {
        try {
          snapshot[i] = prepare(snapshot[i], copies);
        } catch (ArrayStoreException e) {
          throw new UnsafeHandoffException("cannot hand off element " + i + " of a " + array.getClass().getSimpleName()
              + ": its copy does not fit the array (" + e.getMessage() + ")");
        }
      }
      return snapshot;
    }
    if (value instanceof Record record) return prepareRecord(record, copies);
    for (Class<?> type : unsafe) {
      if (type.isInstance(value)) {
        throw new UnsafeHandoffException("a " + value.getClass().getName() + " is not safe to share with another thread (it is a "
            + type.getName() + "); register a copy rule with HandoffRules.with(" + type.getSimpleName() + ".class, ...) "
            + "or implement ThreadHandoff");
      }
    }
    return value;
  }

  private static Object copied(Object original, Object copy, List<AutoCloseable> copies) {
    if (copy != original && copy instanceof AutoCloseable closeable) copies.add(closeable);
    return copy;
  }

  /** Hands off each component of a record; rebuilds it with its canonical constructor if any was copied. */
  private Object prepareRecord(Record record, List<AutoCloseable> copies) {
    RecordComponent[] components = record.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    boolean changed = false;
    try {
      for (int i = 0; i < components.length; i++) {
        Method accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        Object original = accessor.invoke(record);
        values[i] = prepare(original, copies);
        types[i] = components[i].getType();
        changed |= values[i] != original;
      }
      if (!changed) return record;
      Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof UnsafeHandoffException unsafeComponent) throw unsafeComponent;
      throw new UnsafeHandoffException("cannot hand off record " + record.getClass().getName() + " component by component: " + e
          + "; implement ThreadHandoff or register a rule for it");
    }
  }

  /**
   * A value prepared for another thread: a copy, or the value itself when it is safe to share.
   *
   * @param <T> the value's type
   */
  public static final class Handed<T extends @Nullable Object> implements AutoCloseable {
    private final T value;
    private final boolean copy;
    private final List<AutoCloseable> copies;

    Handed(T value, boolean copy, List<AutoCloseable> copies) {
      this.value = value;
      this.copy = copy;
      this.copies = copies;
    }

    /**
     * The value to use on the other thread.
     *
     * @return the value
     */
    public T value() {
      return value;
    }

    /**
     * Whether it is (or contains) a copy made for the hand-off.
     *
     * @return whether the value is a copy made for the hand-off
     */
    public boolean isCopy() {
      return copy;
    }

    /** Closes the copies made for the hand-off that are {@code AutoCloseable}, last made first; never an original. */
    @Override
    public void close() throws Exception {
      Exception failure = closeAll(copies, null);
      if (failure != null) throw failure;
    }

    static <E extends Throwable> Exception closeAll(List<AutoCloseable> copies, E alreadyFailing) {
      Exception first = null;
      for (int i = copies.size() - 1; i >= 0; i--) {
        try {
          copies.get(i).close();
        } catch (Exception e) {
          if (alreadyFailing != null) {
            alreadyFailing.addSuppressed(e);
          } else if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      copies.clear();
      return first;
    }
  }
}
