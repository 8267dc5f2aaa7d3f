package co.backprop.contract.model;

import java.util.List;

/**
 * A model an account uploaded, as the API's /models describe it.
 *
 * @param buildStatus building, success or fail
 * @param path the folder its files are in
 */
public record UserModel(
    String account, String name, String description, List<String> tasks, String buildStatus, String buildMessage,
    String lastDeployment, String path) {

  public static final String BUILDING = "building";
  public static final String SUCCESS = "success";
  public static final String FAIL = "fail";
}
