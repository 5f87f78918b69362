package dev.cscs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cscs.core.yaml.YamlReader;
import org.junit.jupiter.api.Test;

/** -o yaml: what it prints reads back as the same JSON tree, strings included. */
class YamlEmitterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void roundTrips(String json) throws Exception {
        JsonNode tree = JSON.readTree(json);
        String yaml = YamlEmitter.emit(tree);
        // compared as text: the reader makes longs where Jackson made ints
        assertThat(YamlReader.toJson(YamlReader.read(yaml, "out.yaml")).toString()).as(yaml).isEqualTo(tree.toString());
    }

    @Test
    void stringsThatLookLikeOtherTypesAreQuoted() throws Exception {
        roundTrips("{\"a\":\"true\",\"b\":\"42\",\"c\":\"null\",\"d\":\"\",\"e\":\"yes\",\"f\":\"1.5\",\"g\":\"~\",\"h\":\"0x1F\"}");
        assertThat(YamlEmitter.string("true")).isEqualTo("\"true\"");
        assertThat(YamlEmitter.string("42")).isEqualTo("\"42\"");
        assertThat(YamlEmitter.string("on")).isEqualTo("\"on\"");
    }

    @Test
    void stringsWithYamlSyntaxAreQuoted() throws Exception {
        roundTrips("{\"a\":\"k: v\",\"b\":\"x # y\",\"c\":\"- item\",\"d\":\"line1\\nline2\",\"e\":\" lead\",\"f\":\"trail \","
                + "\"g\":\"{x}\",\"h\":\"*alias\",\"i\":\"&anchor\",\"j\":\"'q'\",\"k\":\"\\\"dq\\\"\",\"l\":\"tab\\there\",\"m\":\"é\"}");
        assertThat(YamlEmitter.string("k: v")).startsWith("\"");
    }

    @Test
    void plainWordsStayPlain() {
        assertThat(YamlEmitter.string("factory-a")).isEqualTo("factory-a");
        assertThat(YamlEmitter.string("sysctl/net.ipv4.ip_forward")).isEqualTo("sysctl/net.ipv4.ip_forward");
        assertThat(YamlEmitter.emit(new ObjectMapper().createObjectNode().put("seq", 3).put("domain", "global")))
                .isEqualTo("seq: 3\ndomain: global");
    }

    @Test
    void nestedObjectsAndArraysRoundTrip() throws Exception {
        roundTrips("{\"nodes\":[{\"node\":\"n1\",\"domains\":{\"g\":{\"applied\":3}},\"errors\":[]},{\"node\":\"n2\",\"x\":{}}],"
                + "\"matrix\":[[1,2],[],[{\"a\":[true,false,null]}]],\"empty\":{},\"weird key: x\":1,\"\":2}");
        roundTrips("[]");
        roundTrips("\"just a string\"");
        roundTrips("[1,\"2\",{\"k\":\"v\"}]");
    }
}
