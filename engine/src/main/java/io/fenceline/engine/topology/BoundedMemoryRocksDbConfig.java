package io.fenceline.engine.topology;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the memory of every RocksDB store of this JVM together: one shared block cache, and
 * memtables charged against it through a shared write buffer manager (Kafka Streams' documented
 * pattern). Sizes come from {@code fenceline.rocksdb.cache.bytes} (default 64 MiB) and {@code
 * fenceline.rocksdb.memtable.bytes} (default 16 MiB) in the Streams config.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {
  public static final String CACHE_BYTES = "fenceline.rocksdb.cache.bytes";
  public static final String MEMTABLE_BYTES = "fenceline.rocksdb.memtable.bytes";

  private static Cache cache;
  private static WriteBufferManager writeBufferManager;

  private static synchronized void init(long cacheBytes, long memtableBytes) {
    if (cache == null) {
      cache = new LRUCache(cacheBytes, -1, false, 0.1);
      writeBufferManager = new WriteBufferManager(memtableBytes, cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    init(
        longConfig(configs, CACHE_BYTES, 64L << 20),
        longConfig(configs, MEMTABLE_BYTES, 16L << 20));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBufferManager);
    options.setTableFormatConfig(table);
  }

  private static long longConfig(Map<String, Object> configs, String key, long dflt) {
    Object v = configs.get(key);
    return v == null ? dflt : Long.parseLong(v.toString());
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store: never closed here.
  }
}
