package co.backprop.jobs.samples;

import co.backprop.contract.task.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The bundled samples in datasets/, generated reproducibly: a product catalogue to vectorise and a
 * request file. A test checks the committed files equal what this generates.
 */
public final class SampleDatasets {
  public static final int PRODUCTS = 300;

  private static final String[] BRANDS = {
    "Acme",
    "Northwind",
    "Contoso",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne"
  };
  private static final String[][] CATEGORIES = {
    {
      "audio",
      "wireless headphones",
      "bluetooth speaker",
      "noise-cancelling earbuds",
      "studio monitor"
    },
    {"phones", "smartphone 128GB", "smartphone 256GB", "phone case", "USB-C charger"},
    {
      "kitchen",
      "espresso machine",
      "stainless steel kettle",
      "chef's knife",
      "non-stick frying pan"
    },
    {"furniture", "oak dining table", "ergonomic office chair", "bookshelf", "standing desk"},
    {"outdoor", "two-person tent", "hiking backpack 40L", "sleeping bag", "trekking poles"},
    {"toys", "wooden train set", "building blocks", "remote control car", "puzzle 1000 pieces"}
  };
  private static final String[] QUALIFIERS = {
    "black",
    "white",
    "limited edition",
    "2024 model",
    "refurbished",
    "with carrying case",
    "for kids",
    "compact",
    "extra large",
    "eco-friendly",
    "pro",
    "twin pack"
  };

  private SampleDatasets() {}

  /** {@code {sku, title, category, price}} objects, one per product. */
  public static List<ObjectNode> products() {
    Random random = new Random(2021);
    List<ObjectNode> products = new ArrayList<>(PRODUCTS);
    for (int i = 1; i <= PRODUCTS; i++) {
      String[] category = CATEGORIES[random.nextInt(CATEGORIES.length)];
      StringBuilder title =
          new StringBuilder(BRANDS[random.nextInt(BRANDS.length)])
              .append(' ')
              .append(category[1 + random.nextInt(category.length - 1)]);
      int qualifiers = random.nextInt(3);
      for (int q = 0; q < qualifiers; q++) {
        title.append(q == 0 ? ", " : " ").append(QUALIFIERS[random.nextInt(QUALIFIERS.length)]);
      }
      ObjectNode product = Json.MAPPER.createObjectNode();
      product.put("sku", String.format(Locale.ROOT, "SKU-%05d", i));
      product.put("title", title.toString());
      product.put("category", category[0]);
      product.put("price", Math.round((5 + random.nextDouble() * 495) * 100) / 100.0);
      products.add(product);
    }
    return products;
  }

  /**
   * A request file: single and batch text-vectorisation bodies for two accounts, and two lines a
   * user could easily get wrong (an unknown model, an empty text), which come out as error rows.
   */
  public static List<ObjectNode> requests() {
    List<ObjectNode> products = products();
    List<ObjectNode> requests = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      ObjectNode request = Json.MAPPER.createObjectNode();
      request.put("id", String.format(Locale.ROOT, "req-%03d", i + 1));
      request.put("account", i % 3 == 0 ? "globex" : "acme");
      request.put("task", "text-vectorisation");
      ObjectNode body = request.putObject("body");
      if (i % 4 == 3) {
        ArrayNode texts = body.putArray("text");
        for (int j = 0; j < 3; j++) {
          texts.add(products.get(i * 3 + j).get("title").asText());
        }
      } else {
        body.put("text", products.get(i).get("title").asText());
      }
      body.put("model", "english");
      requests.add(request);
    }
    ((ObjectNode) requests.get(10).get("body")).put("model", "multilingual-v9");
    ((ObjectNode) requests.get(20).get("body")).put("text", "");
    return requests;
  }
}
